using System.Runtime.Loader;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Providers.Loading;

namespace HostFactory.Providers.Tests;

public sealed class MachineProviderRegistryTests : IDisposable
{
    private readonly ProviderHost _host = new();

    public void Dispose() => _host.Dispose();

    private string SampleInstance(string name = "sample", string settings = """{ "prefix": "node", "capacity": 3 }""", string? assembly = null) =>
        $$"""{ "name": "{{name}}", "type": "sample-file", "assembly": "{{(assembly ?? TestPaths.SamplePlugin).Replace("\\", "/", StringComparison.Ordinal)}}", "settings": {{settings}} }""";

    [Fact]
    public async Task Start_WhenAThirdPartyPluginIsGivenByPath_LoadsItInItsOwnContextAndItWorks()
    {
        var registry = _host.Start($"[ {SampleInstance()} ]");

        registry.ProviderNames.Should().Equal("sample");
        var provider = registry.Get("sample");
        var result = await provider.ProvisionAsync(new ProvisionRequest(new ProvisionKey(RequestId.NewAcquire(), 0), TestTemplates.Snapshot("sample"), 2), CancellationToken.None);

        result.IsComplete.Should().BeTrue(result.Error);
        result.Machines.Should().HaveCount(2).And.OnlyContain(m => m.HostName.StartsWith("node-", StringComparison.Ordinal));
        var files = Directory.GetFiles(Path.Combine(_host.WorkDirectory, "providers", "sample", "machines"));
        files.Should().HaveCount(2, "the plugin writes one file per machine in the state directory the host gave it");

        var machines = result.Machines.Select(m => new ProviderMachine(MachineId.New(), m.ProviderMachineId, m.HostName, m.ProviderData)).ToArray();
        var released = await provider.ReleaseAsync(machines, CancellationToken.None);
        released.Outcomes.Should().OnlyContain(o => o.Outcome == ReleaseOutcome.Released);
        (await provider.DescribeAsync(machines, CancellationToken.None)).Should().OnlyContain(o => o.Status == MachineStatus.Terminated);
    }

    [Fact]
    public void Start_WhenAPluginIsLoaded_ItSharesTheContractAssembliesButNotItsOwn()
    {
        _host.Start($"[ {SampleInstance()} ]");

        var plugin = AssemblyLoadContext.All.SelectMany(c => c.Assemblies).Single(a => a.Location == TestPaths.SamplePlugin);
        var context = AssemblyLoadContext.GetLoadContext(plugin)!;
        context.Should().NotBeSameAs(AssemblyLoadContext.Default);
        context.Assemblies.Select(a => a.GetName().Name).Should().NotContain(
            ["HostFactory.Domain", "HostFactory.Providers.Abstractions"],
            "the plugin folder holds copies of the contract assemblies, yet the host's copies must be used");
    }

    [Fact]
    public async Task Start_WhenBuiltInsOmitTheirAssembly_LoadsThemFromTheProvidersFolder()
    {
        var registry = _host.Start("""
            [
              { "name": "local", "type": "local-process" },
              { "name": "pool", "type": "static-pool", "settings": { "hosts": [ { "name": "n1", "ipAddress": "10.0.0.1" } ] } },
              { "name": "cloud", "type": "exec", "settings": { "program": "/bin/cat" } },
              { "name": "off", "type": "no-such-type", "enabled": false }
            ]
            """);

        registry.ProviderNames.Should().Equal("local", "pool", "cloud");
        var problems = await registry.Get("local").ValidateTemplateAsync(TestTemplates.Snapshot("local"), CancellationToken.None);
        problems.Should().ContainSingle().Which.Should().Contain("setting 'command' is required");
        registry.TryGet("off", out _).Should().BeFalse("a disabled instance is not loaded");
    }

    [Fact]
    public void Get_WhenTheNameIsUnknown_ThrowsListingTheKnownNames()
    {
        var registry = _host.Start($"[ {SampleInstance()} ]");

        var act = () => registry.Get("nope");

        act.Should().Throw<UnknownProviderException>().WithMessage("Unknown provider 'nope'. Known providers: sample.");
    }

    [Fact]
    public void LongestCall_WhenTheNameIsKnown_IsItsInstancesBoundAndOtherwiseRefused()
    {
        var registry = _host.Start($"[ {SampleInstance()} ]");

        var longest = registry.LongestCall("sample");
        var unknown = () => registry.LongestCall("nope");

        longest.Should().Be(TimeSpan.FromSeconds((3 * 120) + (2 * 2)), "the default timeout of 120 s, 2 retries, pauses capped at 0.5 s × 2²");
        unknown.Should().Throw<UnknownProviderException>().WithMessage("Unknown provider 'nope'. Known providers: sample.");
    }

    [Fact]
    public void Start_WhenTheTypeIsNeitherBuiltInNorInAnAssembly_FailsWithUnknownType()
    {
        var act = () => _host.Start("""[ { "name": "azure", "type": "azure-vm" } ]""");

        act.Should().Throw<ProviderLoadException>()
            .Where(e => e.Failure == ProviderLoadFailure.UnknownType && e.InstanceName == "azure")
            .WithMessage($"{_host.ConfigFile} (hostFactory:providers:0): provider instance 'azure' has unknown type 'azure-vm': it is not a built-in type (local-process, static-pool, exec, aws-ec2) and no 'assembly' is given.");
    }

    [Fact]
    public void Start_WhenTheAssemblyDoesNotProvideTheType_FailsListingWhatItProvides()
    {
        var act = () => _host.Start($$"""[ { "name": "s", "type": "sample-other", "assembly": "{{TestPaths.SamplePlugin}}" } ]""");

        act.Should().Throw<ProviderLoadException>()
            .Where(e => e.Failure == ProviderLoadFailure.UnknownType)
            .WithMessage("*provider instance 's' has unknown type 'sample-other': assembly '*HostFactory.Providers.SamplePlugin.dll' provides only 'sample-file'.");
    }

    [Fact]
    public void Start_WhenTheAssemblyFileIsMissing_FailsNamingThePath()
    {
        var act = () => _host.Start("""[ { "name": "s", "type": "sample-file", "assembly": "plugins/missing.dll" } ]""");

        act.Should().Throw<ProviderLoadException>()
            .Where(e => e.Failure == ProviderLoadFailure.MissingAssembly)
            .WithMessage($"*provider instance 's' names assembly 'plugins/missing.dll', but the file '{Path.Combine(_host.Directory, "plugins", "missing.dll")}' does not exist.");
    }

    [Fact]
    public void Start_WhenTheBuiltInFolderLacksTheAssembly_FailsSayingTheFolderIsIncomplete()
    {
        var act = () => _host.Start("""[ { "name": "local", "type": "local-process" } ]""", host => host.BuiltInProvidersDirectory = _host.Directory);

        act.Should().Throw<ProviderLoadException>()
            .Where(e => e.Failure == ProviderLoadFailure.MissingAssembly)
            .WithMessage("*built-in type 'local-process', but its assembly '*HostFactory.Providers.LocalProcess.dll' does not exist; the host's providers/ folder is missing or incomplete.");
    }

    [Fact]
    public void Start_WhenTheAssemblyHasNoProvider_FailsSayingSo()
    {
        var noProvider = Path.Combine(_host.Directory, "lib", "HostFactory.Domain.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(noProvider)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "HostFactory.Domain.dll"), noProvider);

        var act = () => _host.Start("""[ { "name": "x", "type": "x", "assembly": "lib/HostFactory.Domain.dll" } ]""");

        act.Should().Throw<ProviderLoadException>()
            .Where(e => e.Failure == ProviderLoadFailure.NoProviderInAssembly)
            .WithMessage($"Plugin assembly '{noProvider}' has no class marked [MachineProvider(\"type-name\")] that implements IMachineProvider.");
    }

    [Fact]
    public void Start_WhenTheAssemblyFileIsNotAnAssembly_FailsNamingThePath()
    {
        var notAnAssembly = Path.Combine(_host.Directory, "plugins", "broken.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(notAnAssembly)!);
        File.WriteAllText(notAnAssembly, "not a portable executable");

        var act = () => _host.Start("""[ { "name": "b", "type": "broken", "assembly": "plugins/broken.dll" } ]""");

        act.Should().Throw<ProviderLoadException>()
            .Where(e => e.Failure == ProviderLoadFailure.AssemblyLoadFailed)
            .WithMessage($"*Plugin assembly '{notAnAssembly}' could not be loaded: *");
    }

    [Theory]
    [InlineData("not-a-provider", false, "does not implement HostFactory.Domain.Providers.IMachineProvider")]
    [InlineData("Bad_Name", true, "claims the type name 'Bad_Name', which is not 1 to 64 characters of a-z 0-9 - starting with a letter or digit")]
    public void Start_WhenAMarkedClassCannotServe_FailsNamingTheClassAndWhy(string typeName, bool implementsProvider, string problem)
    {
        var path = Path.Combine(_host.Directory, "plugins", "Emitted.Plugin.dll");
        EmittedPlugin.Save(path, typeName, implementsProvider);

        var act = () => _host.Start($$"""[ { "name": "e", "type": "{{typeName}}", "assembly": "plugins/Emitted.Plugin.dll" } ]""");

        act.Should().Throw<ProviderLoadException>()
            .Where(e => e.Failure == ProviderLoadFailure.InvalidProviderClass)
            .WithMessage($"*Class Emitted.Plugin.MarkedProvider in plugin assembly '{path}' is marked [MachineProvider(\"{typeName}\")] but {problem}.");
    }

    [Fact]
    public void Start_WhenTwoAssembliesClaimOneTypeName_FailsNamingBoth()
    {
        var copy = Path.Combine(_host.Directory, "copy", "HostFactory.Providers.SamplePlugin.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(TestPaths.SamplePlugin, copy);

        var act = () => _host.Start($"[ {SampleInstance("a")}, {SampleInstance("b", assembly: copy)} ]");

        act.Should().Throw<ProviderLoadException>()
            .Where(e => e.Failure == ProviderLoadFailure.DuplicateTypeName)
            .WithMessage($"Provider type 'sample-file' is claimed by more than one class: HostFactory.Providers.SamplePlugin.SampleFileProvider ('{TestPaths.SamplePlugin}') and HostFactory.Providers.SamplePlugin.SampleFileProvider ('{copy}'). Each type name must have exactly one provider.");
    }

    [Fact]
    public void Start_WhenSettingsFailValidation_NamesTheInstanceAndEachField()
    {
        var act = () => _host.Start($$"""[ {{SampleInstance(settings: """{ "capacity": 0 }""")}} ]""");

        act.Should().Throw<ProviderLoadException>()
            .Where(e => e.Failure == ProviderLoadFailure.InvalidSettings && e.InstanceName == "sample")
            .WithMessage($"{_host.ConfigFile} (hostFactory:providers:0): provider instance 'sample' (type 'sample-file') has invalid settings: settings.prefix: The Prefix field is required. settings.capacity: The field Capacity must be between 1 and 100.");
    }

    [Fact]
    public void Start_WhenASettingIsUnknown_NamesItAndTheKnownOnes()
    {
        var act = () => _host.Start($$"""[ {{SampleInstance(settings: """{ "prefix": "n", "capacty": 3 }""")}} ]""");

        act.Should().Throw<ProviderLoadException>()
            .Where(e => e.Failure == ProviderLoadFailure.InvalidSettings)
            .WithMessage("*settings.capacty: unknown setting (known settings: prefix, capacity).");
    }

    [Fact]
    public void Start_WhenASettingCannotBeConverted_NamesThePath()
    {
        var act = () => _host.Start($$"""[ {{SampleInstance(settings: """{ "prefix": "n", "capacity": "lots" }""")}} ]""");

        act.Should().Throw<ProviderLoadException>()
            .Where(e => e.Failure == ProviderLoadFailure.InvalidSettings)
            .WithMessage("*provider instance 'sample' (type 'sample-file') has invalid settings: settings: *'lots'*hostFactory:providers:0:settings:capacity*");
    }

    [Fact]
    public void Start_WhenTwoInstancesShareAName_FailsNamingWhereTheyAre()
    {
        var act = () => _host.Start($"[ {SampleInstance("dup")}, {SampleInstance("other")}, {SampleInstance("dup")} ]");

        act.Should().Throw<ProviderLoadException>()
            .Where(e => e.Failure == ProviderLoadFailure.DuplicateInstanceName && e.InstanceName == "dup")
            .WithMessage($"{_host.ConfigFile}: provider instance name 'dup' is used more than once (hostFactory:providers:0, hostFactory:providers:2); instance names must be unique.");
    }

    [Fact]
    public void Start_WhenTheProviderConstructorFails_NamesTheInstanceAndTheCause()
    {
        var act = () => _host.Start("""[ { "name": "cloud", "type": "exec", "settings": { "program": "./missing-script.sh" } } ]""");

        act.Should().Throw<ProviderLoadException>()
            .Where(e => e.Failure == ProviderLoadFailure.ProviderCreationFailed)
            .WithMessage($"*provider instance 'cloud' (type 'exec') could not be created by HostFactory.Providers.Exec.ExecMachineProvider: The exec program '{Path.Combine(_host.Directory, "missing-script.sh")}' does not exist.");
    }
}
