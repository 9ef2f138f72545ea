using HostFactory.Configuration;
using HostFactory.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Wires HostFactory into any .NET host.</summary>
public static class HostFactoryServiceCollectionExtensions
{
    /// <summary>
    /// Registers everything HostFactory needs: the command/query/event buses with the application's handlers, the
    /// store <c>hostFactory:storage</c> selects (JSON files by default, or PostgreSQL: <see cref="HostFactoryStorage"/>), the machine providers configured under <c>hostFactory:providers</c>, and the
    /// <see cref="TemplateFileImporter"/> that imports the templates file; every provider call is timed and traced
    /// (<c>AddHostFactoryProviderInstrumentation</c>) and every store operation traced
    /// (<c>AddHostFactoryStoreInstrumentation</c>): a host subscribes to <c>HostFactoryDiagnostics.MeterNames</c> and
    /// <c>SourceNames</c> with the exporters it chooses (docs/observability.md). Paths follow Host Factory's rules
    /// (<c>HF_PROVIDER_CONFDIR</c>, <c>HF_PROVIDER_WORKDIR</c>, <c>HF_PROVIDER_LOGDIR</c>), falling back to the
    /// <c>config/</c> folder beside the application. Options are validated on start.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">A configuration holding the <c>hostFactory</c> section (the content of <c>hostfactory.json</c>).</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddHostFactory(this IServiceCollection services, IConfiguration configuration) =>
        services.AddHostFactory(configuration, HostFactoryPathResolver.Resolve(
            Environment.GetEnvironmentVariable,
            explicitConfigPath: null,
            fallbackConfigDirectory: HostFactoryPathResolver.DefaultConfigDirectory(AppContext.BaseDirectory)));

    /// <summary>Like <see cref="AddHostFactory(IServiceCollection, IConfiguration)"/>, with the paths given.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">A configuration holding the <c>hostFactory</c> section.</param>
    /// <param name="paths">Where the configuration, templates, state and logs are.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">Called twice with different paths.</exception>
    /// <exception cref="OptionsValidationException"><c>hostFactory:storage:kind</c> names no store, or <c>hostFactory</c> holds a
    /// key no part of Host Factory reads (<see cref="HostFactoryConfiguration.Settings"/>: a misspelt setting); the message names each.</exception>
    public static IServiceCollection AddHostFactory(this IServiceCollection services, IConfiguration configuration, HostFactoryPaths paths)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(paths);

        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(HostFactoryPaths))?.ImplementationInstance;
        if (existing is not null)
        {
            return existing.Equals(paths)
                ? services
                : throw new InvalidOperationException("AddHostFactory was already called with other paths; call it once.");
        }

        RefuseUnknownSettings(configuration);
        var root = configuration.GetSection(HostFactoryConfiguration.RootSection);
        services.AddSingleton(paths);
        services.AddHostFactoryApplication(options => root.GetSection("application").Bind(options));
        HostFactoryStorage.Add(services, configuration, paths, HostFactoryStorage.KindOf(configuration));
        services.AddMachineProviders(root.GetSection("providers"), host => host.UsePaths(paths));
        services.AddHostFactoryProviderInstrumentation();
        services.AddHostFactoryStoreInstrumentation();
        services.TryAddSingleton<TemplateFileImporter>();
        return services;
    }

    // A misspelt section or setting is otherwise ignored without a word (HostFactoryConfiguration.Settings).
    private static void RefuseUnknownSettings(IConfiguration configuration)
    {
        var unknown = HostFactoryConfiguration.UnknownSettings(configuration);
        if (unknown.Count > 0)
        {
            throw new OptionsValidationException(HostFactoryConfiguration.RootSection, typeof(HostFactoryConfiguration), unknown);
        }
    }
}
