using System.Reflection;
using HostFactory.Application;
using HostFactory.Configuration;
using HostFactory.Providers.Testing;
using HostFactory.Storage.Json;
using HostFactory.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HostFactory.Hosting.Tests;

/// <summary>A misspelt section or setting is refused by <c>AddHostFactory</c>, naming it, before anything is registered.</summary>
public sealed class UnknownSettingsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("hostFactory:storag:kind", "postgres", "hostFactory:storag is not a Host Factory setting (known under hostFactory: storage, application, providers, reconciler, logging, resident, server).")]
    [InlineData("hostFactory:reconciler:intervall", "00:01:00", "hostFactory:reconciler:intervall is not a Host Factory setting (known under hostFactory:reconciler: enabled, interval, provisionStaleAfter, maxProvisionRetries, recordReclaimed, reportOrphans).")]
    [InlineData("hostFactory:logging:minimumLevl", "Debug", "hostFactory:logging:minimumLevl is not a Host Factory setting (known under hostFactory:logging: minimumLevel).")]
    [InlineData("hostFactory:storage:dataDirectry", "elsewhere", "hostFactory:storage:dataDirectry is not a Host Factory setting (known under hostFactory:storage: kind, dataDirectory, lockTimeout, connectionString, password, environmentVariable, schema, autoMigrate, commandTimeout, retries, retryDelay).")]
    public void AddHostFactory_WhenASectionOrSettingIsMisspelt_RefusesNamingItAndRegistersNothing(string key, string value, string expected)
    {
        var services = new ServiceCollection();

        var add = () => services.AddHostFactory(With(key, value), Paths());

        add.Should().Throw<OptionsValidationException>().Which.Failures.Should().Equal(expected);
        services.Should().BeEmpty("a refused configuration registers nothing");
    }

    [Theory]
    [InlineData("hostFactory:providers:0:anything", "x")]
    [InlineData("hostFactory:Resident:idleSeconds", "5")]
    [InlineData("hostFactory:storage:DataDirectory", "data")]
    public void AddHostFactory_WhenAKeyIsKnownInAnyCaseOrInsideAProviderInstance_Accepts(string key, string value)
    {
        var add = () => new ServiceCollection().AddHostFactory(With(key, value), Paths());

        add.Should().NotThrow("keys are matched without regard to case, as the configuration system reads them, and provider instances check their own fields");
    }

    [Fact]
    public void AddHostFactory_WhenEveryKnownSettingIsGiven_Accepts()
    {
        // Values are checked when each section's options are read; here only that every known key passes.
        var settings = HostFactoryConfiguration.Settings
            .SelectMany(section => (section.Value ?? ["0:name"]).Select(key => $"hostFactory:{section.Key}:{key}"))
            .ToDictionary(key => key, _ => (string?)"x");
        settings["hostFactory:storage:kind"] = "json";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var add = () => new ServiceCollection().AddHostFactory(configuration, Paths());

        add.Should().NotThrow();
    }

    [Theory]
    [InlineData("storage", new[] { typeof(JsonFileStorageOptions), typeof(PostgresStorageOptions) })]
    [InlineData("application", new[] { typeof(ApplicationOptions) })]
    [InlineData("reconciler", new[] { typeof(ReconcilerOptions) })]
    public void Settings_OfAnOptionsSection_AreEveryPropertyItsOptionsBind(string section, Type[] options)
    {
        // Set by Host Factory itself rather than read from the file: the JSON store's work directory comes from the
        // paths (HF_PROVIDER_WORKDIR), and SettingsPath is where PostgreSQL's messages say the settings are; the storage
        // section's kind picks the store.
        string[] setByHostFactory = [nameof(JsonFileStorageOptions.ProviderWorkDirectory), nameof(PostgresStorageOptions.SettingsPath)];
        var bound = options
            .SelectMany(type => type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(property => property.CanWrite && !setByHostFactory.Contains(property.Name))
            .Select(property => char.ToLowerInvariant(property.Name[0]) + property.Name[1..])
            .Concat(section == "storage" ? ["kind"] : []);

        HostFactoryConfiguration.Settings[section].Should().BeEquivalentTo(bound.Distinct());
    }

    private static IConfiguration With(string key, string value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

    private HostFactoryPaths Paths() =>
        HostFactoryPathResolver.Resolve(static _ => null, Path.Combine(_directory.Path, "hostfactory.json"), _directory.Path);
}
