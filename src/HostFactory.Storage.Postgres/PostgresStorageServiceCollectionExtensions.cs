using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL storage as the implementation of the domain's store and reader ports.</summary>
public static class PostgresStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ITemplateStore"/>, <see cref="ITemplateReader"/>, <see cref="IRequestStore"/>,
    /// <see cref="IRequestReader"/>, <see cref="IMachineStore"/>, <see cref="IMachineReader"/> (singletons over one
    /// pooled data source, safe across threads, processes and hosts), <see cref="IStoreExport"/> and
    /// <see cref="PostgresStorageMaintenance"/>, with options validated at start-up. <c>HOSTFACTORY_STORAGE_CONNECTION</c>
    /// is read when the connection string is built, and wins over <paramref name="configure"/>. Calling it again only
    /// adds the configuration.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the connection string, schema, timeouts…</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <remarks>
    /// Invalid options fail when the host starts (or when a store is first resolved) with an
    /// <see cref="OptionsValidationException"/> naming the setting, never quoting the connection string. The schema is
    /// checked (and created or migrated) on first use; problems there are <see cref="PostgresStorageException"/>s.
    /// </remarks>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, Action<PostgresStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(services).Configure(configure);
        return services;
    }

    /// <summary>
    /// Like <see cref="AddPostgresStorage(IServiceCollection, Action{PostgresStorageOptions})"/>, bound from
    /// <paramref name="configuration"/> (usually the <c>PostgresStorage</c> section: <c>ConnectionString</c>,
    /// <c>Schema</c>, <c>AutoMigrate</c>, <c>LockTimeout</c>, <c>CommandTimeout</c>, <c>Retries</c>, <c>RetryDelay</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the settings.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(services).Bind(configuration);
        return services;
    }

    private static OptionsBuilder<PostgresStorageOptions> AddCore(IServiceCollection services)
    {
        var builder = services.AddOptions<PostgresStorageOptions>();
        if (services.Any(d => d.ServiceType == typeof(PostgresDatabase)))
        {
            return builder;
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresStorageOptions>, PostgresStorageOptionsValidator>());
        services.TryAddSingleton(sp => new PostgresDatabase(sp.GetRequiredService<IOptions<PostgresStorageOptions>>(), sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new PostgresTemplateStore(sp.GetRequiredService<PostgresDatabase>()));
        services.TryAddSingleton(sp => new PostgresRequestStore(sp.GetRequiredService<PostgresDatabase>()));
        services.TryAddSingleton(sp => new PostgresMachineStore(sp.GetRequiredService<PostgresDatabase>()));
        services.TryAddSingleton<ITemplateStore>(sp => sp.GetRequiredService<PostgresTemplateStore>());
        services.TryAddSingleton<ITemplateReader>(sp => sp.GetRequiredService<PostgresTemplateStore>());
        services.TryAddSingleton<IRequestStore>(sp => sp.GetRequiredService<PostgresRequestStore>());
        services.TryAddSingleton<IRequestReader>(sp => sp.GetRequiredService<PostgresRequestStore>());
        services.TryAddSingleton<IMachineStore>(sp => sp.GetRequiredService<PostgresMachineStore>());
        services.TryAddSingleton<IMachineReader>(sp => sp.GetRequiredService<PostgresMachineStore>());
        services.TryAddSingleton<IStoreExport>(sp => new PostgresStoreExport(
            sp.GetRequiredService<PostgresTemplateStore>(), sp.GetRequiredService<PostgresRequestStore>(), sp.GetRequiredService<PostgresMachineStore>()));
        services.TryAddSingleton(sp => new PostgresStorageMaintenance(sp.GetRequiredService<PostgresDatabase>()));
        return builder;
    }
}
