using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HostFactory.Storage.Json.Tests;

public sealed class JsonFileStorageRegistrationTests : IDisposable
{
    private static readonly ServiceProviderOptions Strict = new() { ValidateOnBuild = true, ValidateScopes = true };

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void AddJsonFileStorage_RegistersAllSixPortsOnOneStorePerAggregate()
    {
        using var provider = new ServiceCollection()
            .AddJsonFileStorage(o => { o.DataDirectory = _directory.Path; o.ProviderWorkDirectory = null; })
            .BuildServiceProvider(Strict);

        provider.GetRequiredService<ITemplateStore>().Should().BeSameAs(provider.GetRequiredService<ITemplateReader>());
        provider.GetRequiredService<IRequestStore>().Should().BeSameAs(provider.GetRequiredService<IRequestReader>());
        provider.GetRequiredService<IMachineStore>().Should().BeSameAs(provider.GetRequiredService<IMachineReader>());
        provider.GetRequiredService<JsonFileStorageMaintenance>().Should().NotBeNull();
    }

    [Fact]
    public void AddJsonFileStorage_WhenCalledTwice_RegistersOnceAndAppliesBothConfigurations()
    {
        var first = _directory.Combine("first");
        var services = new ServiceCollection()
            .AddJsonFileStorage(o => { o.DataDirectory = first; o.ProviderWorkDirectory = null; })
            .AddJsonFileStorage(o => o.LockTimeout = TimeSpan.FromSeconds(3));

        services.Count(d => d.ServiceType == typeof(IRequestStore)).Should().Be(1);
        using var provider = services.BuildServiceProvider(Strict);
        var options = provider.GetRequiredService<IOptions<JsonFileStorageOptions>>().Value;
        options.Should().BeEquivalentTo(new { DataDirectory = first, LockTimeout = TimeSpan.FromSeconds(3) });
    }

    [Fact]
    public void AddJsonFileStorage_WithConfiguration_BindsTheSection()
    {
        var configured = _directory.Combine("var", "lib", "hostfactory");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["JsonFileStorage:DataDirectory"] = configured,
            ["JsonFileStorage:LockTimeout"] = "00:00:04",
            ["JsonFileStorage:ProviderWorkDirectory"] = string.Empty,
        }).Build();
        using var provider = new ServiceCollection().AddJsonFileStorage(configuration.GetSection(JsonFileStorageOptions.SectionName)).BuildServiceProvider(Strict);

        var options = provider.GetRequiredService<IOptions<JsonFileStorageOptions>>().Value;

        options.LockTimeout.Should().Be(TimeSpan.FromSeconds(4));
        options.ResolveDataDirectory().Should().Be(configured);
    }

    [Fact]
    public void StartupValidation_WhenNoDirectoryIsConfigured_FailsNamingTheSettingAndTheVariable()
    {
        using var provider = new ServiceCollection().AddJsonFileStorage(o => o.ProviderWorkDirectory = null).BuildServiceProvider(Strict);

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("JsonFileStorage:DataDirectory").And.Contain("HF_PROVIDER_WORKDIR");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void StartupValidation_WhenTheLockTimeoutIsNotPositive_FailsNamingTheSetting(int seconds)
    {
        using var provider = new ServiceCollection()
            .AddJsonFileStorage(o => { o.DataDirectory = _directory.Path; o.LockTimeout = TimeSpan.FromSeconds(seconds); })
            .BuildServiceProvider(Strict);

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("JsonFileStorage:LockTimeout");
    }

    [Fact]
    public void StartupValidation_WhenThePathHasAControlCharacter_Fails()
    {
        using var provider = new ServiceCollection()
            .AddJsonFileStorage(o => { o.DataDirectory = "/tmp/bad\0dir"; o.ProviderWorkDirectory = null; })
            .BuildServiceProvider(Strict);

        var act = () => provider.GetRequiredService<IRequestStore>();

        act.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("control character");
    }

    [Fact]
    public void StartupValidation_WhenTheDataDirectoryIsAFile_FailsNamingItAndChangesNothing()
    {
        var file = _directory.Combine("data");
        File.WriteAllText(file, "not a directory");
        using var provider = new ServiceCollection()
            .AddJsonFileStorage(o => { o.DataDirectory = file; o.ProviderWorkDirectory = null; })
            .BuildServiceProvider(Strict);

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should().Equal($"The JSON store's data directory '{file}' cannot be used: it is a file, not a directory.");
        File.ReadAllText(file).Should().Be("not a directory");
    }

    [Fact]
    public void StartupValidation_WhenTheDataDirectoryWouldBeInsideAFile_FailsNamingTheFile()
    {
        var file = _directory.Combine("work");
        File.WriteAllText(file, "not a directory");
        var data = Path.Combine(file, "state", "data");
        using var provider = new ServiceCollection()
            .AddJsonFileStorage(o => { o.DataDirectory = data; o.ProviderWorkDirectory = null; })
            .BuildServiceProvider(Strict);

        var act = () => provider.GetRequiredService<IOptions<JsonFileStorageOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should()
            .Equal($"The JSON store's data directory '{data}' cannot be used: it does not exist and cannot be created: '{file}' is a file, not a directory.");
    }

    [Fact]
    public void ResolveDataDirectory_WhenTheWorkDirectoryIsSet_UsesItsDataFolderOverTheConfiguredPath()
    {
        var options = new JsonFileStorageOptions { DataDirectory = "/configured", ProviderWorkDirectory = "/hf/work/awsinst" };

        options.ResolveDataDirectory().Should().Be("/hf/work/awsinst/data");
    }

    [Fact]
    public void ResolveDataDirectory_WhenRelative_ResolvesFromTheCurrentDirectory()
    {
        var options = new JsonFileStorageOptions { DataDirectory = "state/data/" };

        options.ResolveDataDirectory().Should().Be(Path.Join(Environment.CurrentDirectory, "state", "data"));
    }

    [Fact]
    public async Task AddJsonFileStorage_InAProcessWithHfProviderWorkdir_StoresUnderItsDataFolder()
    {
        var work = _directory.Combine("hf-work");
        var configured = _directory.Combine("configured");
        using var withVariable = TestWorker.Start(new Dictionary<string, string?> { ["HF_PROVIDER_WORKDIR"] = work }, "print-data-dir", configured);
        using var without = TestWorker.Start(null, "print-data-dir", configured);

        (await withVariable.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, withVariable.Errors);
        (await without.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().Be(0, without.Errors);

        ReadOutput(withVariable).Should().Be(Path.Join(work, "data"));
        ReadOutput(without).Should().Be(configured);
    }

    // print-data-dir prints one bare line (no " END" marker), so read the raw stream.
    private static string ReadOutput(RunningWorker worker) => worker.RawOutput.Trim();
}

