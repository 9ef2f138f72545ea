using System.Reflection;
using HostFactory.Configuration;
using HostFactory.Providers.Testing;
using HostFactory.Storage.Json;
using HostFactory.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HostFactory.Hosting.Tests;

/// <summary>A misspelt section or storage setting is refused by <c>AddHostFactory</c>, naming it, before anything is registered.</summary>
public sealed class UnknownSettingsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("hostFactory:storag:kind", "postgres", "hostFactory:storag is not a Host Factory setting (known under hostFactory: storage, application, providers, reconciler, logging, resident, server).")]
    [InlineData("hostFactory:Resident:idleSeconds", "5", null)]
    [InlineData("hostFactory:storage:dataDirectry", "elsewhere", "hostFactory:storage:dataDirectry is not a Host Factory setting (known under hostFactory:storage: kind, dataDirectory, lockTimeout, connectionString, password, environmentVariable, schema, autoMigrate, commandTimeout, retries, retryDelay).")]
    [InlineData("hostFactory:storage:DataDirectory", "data", null)]
    public void AddHostFactory_WhenASectionOrStorageSettingIsMisspelt_RefusesNamingItAndRegistersNothing(string key, string value, string? expected)
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var add = () => services.AddHostFactory(configuration, Paths());

        if (expected is null)
        {
            add.Should().NotThrow("keys are matched without regard to case, as the configuration system reads them");
            return;
        }

        add.Should().Throw<OptionsValidationException>().Which.Failures.Should().Equal(expected);
        services.Should().BeEmpty("a refused configuration registers nothing");
    }

    [Fact]
    public void AddHostFactory_WhenEverySectionAndEveryStorageSettingIsGiven_Accepts()
    {
        // What each section holds inside is its own part's to check; here only that every section and storage key passes.
        var settings = HostFactoryConfiguration.Sections.Where(s => s != "storage")
            .Select(section => $"hostFactory:{section}:enabled")
            .Concat(HostFactoryStorage.Keys.Select(key => $"hostFactory:storage:{key}"))
            .ToDictionary(key => key, _ => (string?)"x");
        settings["hostFactory:storage:kind"] = "json";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var add = () => new ServiceCollection().AddHostFactory(configuration, Paths());

        add.Should().NotThrow();
    }

    [Fact]
    public void StorageKeys_AreKindAndEverySettingTheTwoStoresBind()
    {
        // Set by Host Factory itself rather than read from the file: the JSON store's work directory comes from the
        // paths (HF_PROVIDER_WORKDIR), and SettingsPath is where PostgreSQL's messages say the settings are.
        string[] setByHostFactory = [nameof(JsonFileStorageOptions.ProviderWorkDirectory), nameof(PostgresStorageOptions.SettingsPath)];
        var bound = new[] { typeof(JsonFileStorageOptions), typeof(PostgresStorageOptions) }
            .SelectMany(type => type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(property => property.CanWrite && !setByHostFactory.Contains(property.Name))
            .Select(property => char.ToLowerInvariant(property.Name[0]) + property.Name[1..]);

        HostFactoryStorage.Keys.Should().BeEquivalentTo(bound.Append("kind").Distinct());
    }

    private HostFactoryPaths Paths() =>
        HostFactoryPathResolver.Resolve(static _ => null, Path.Combine(_directory.Path, "hostfactory.json"), _directory.Path);
}
