using HostFactory.Configuration;
using HostFactory.Storage.Json;
using HostFactory.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HostFactory.Hosting;

/// <summary>
/// The store <c>hostFactory:storage</c> selects: the JSON files (<c>"kind": "json"</c>, the default) in the work
/// directory, or PostgreSQL (<c>"kind": "postgres"</c> with <c>connectionString</c>, or
/// <c>HOSTFACTORY_STORAGE_CONNECTION</c>). Both kinds' settings may sit side by side, which is what
/// <c>hostfactory storage copy</c> reads.
/// </summary>
public static class HostFactoryStorage
{
    /// <summary>The section holding the storage settings.</summary>
    public const string Section = HostFactoryConfiguration.RootSection + ":storage";

    /// <summary>The JSON file store, the default.</summary>
    public const string Json = "json";

    /// <summary>The PostgreSQL store.</summary>
    public const string Postgres = "postgres";

    /// <summary>The kinds <c>hostFactory:storage:kind</c> accepts.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [Json, Postgres];

    /// <summary>The kind the configuration selects: <c>hostFactory:storage:kind</c>, <see cref="Json"/> when absent.</summary>
    /// <exception cref="OptionsValidationException">The kind is not one of <see cref="Kinds"/>; the message names the setting.</exception>
    public static string KindOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var kind = configuration[$"{Section}:kind"];
        if (string.IsNullOrWhiteSpace(kind))
        {
            return Json;
        }

        return Kinds.FirstOrDefault(k => string.Equals(k, kind.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new OptionsValidationException(Section, typeof(HostFactoryStorage), [$"{Section}:kind must be one of {string.Join(", ", Kinds)}, was '{kind}'."]);
    }

    /// <summary>Registers the store of <paramref name="kind"/> with the settings of <c>hostFactory:storage</c>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">A configuration holding the <c>hostFactory</c> section.</param>
    /// <param name="paths">Where the work directory (the JSON store's <c>data</c>) is.</param>
    /// <param name="kind">One of <see cref="Kinds"/>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is not one of <see cref="Kinds"/>.</exception>
    public static IServiceCollection Add(IServiceCollection services, IConfiguration configuration, HostFactoryPaths paths, string kind)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(paths);
        var section = configuration.GetSection(Section);
        return kind switch
        {
            Json => AddJson(services, section, paths),
            Postgres => AddPostgres(services, section),
            _ => throw new ArgumentException($"'{kind}' is not a storage kind; use one of {string.Join(", ", Kinds)}.", nameof(kind)),
        };
    }

    // One method per kind, so that only the configured store's assembly is loaded: the precompiled code of a method
    // resolves the types it uses (here the options delegate's) before it runs, and the PostgreSQL store's assembly (and
    // Npgsql's, once its types are touched) cost a protocol call that uses the JSON store for nothing.
    private static IServiceCollection AddJson(IServiceCollection services, IConfigurationSection section, HostFactoryPaths paths) =>
        services.AddJsonFileStorage(options =>
        {
            section.Bind(options);
            // HF_PROVIDER_WORKDIR is already part of paths.WorkDirectory; a relative data directory lives in it.
            options.ProviderWorkDirectory = null;
            options.DataDirectory = Path.GetFullPath(Path.Combine(paths.WorkDirectory, options.DataDirectory ?? "data"));
        });

    private static IServiceCollection AddPostgres(IServiceCollection services, IConfigurationSection section) =>
        services.AddPostgresStorage(options =>
        {
            section.Bind(options);
            options.SettingsPath = Section;
        });
}
