using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Storage.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the JSON file storage as the implementation of the domain's store and reader ports.</summary>
public static class JsonFileStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ITemplateStore"/>, <see cref="ITemplateReader"/>, <see cref="IRequestStore"/>,
    /// <see cref="IRequestReader"/>, <see cref="IMachineStore"/>, <see cref="IMachineReader"/> (singletons, safe across
    /// threads and processes), <see cref="IStoreExport"/> and <see cref="JsonFileStorageMaintenance"/>, with options validated at start-up.
    /// <see cref="JsonFileStorageOptions.ProviderWorkDirectory"/> is first filled from <c>HF_PROVIDER_WORKDIR</c>;
    /// <paramref name="configure"/> runs after that and may override it. Calling it again only adds the configuration.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the data directory, lock timeout…</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <remarks>
    /// Invalid options fail when the host starts (or when a store is first resolved) with an
    /// <see cref="OptionsValidationException"/> naming the setting. The data directory itself is prepared on first use;
    /// problems there surface as <see cref="StorageUnavailableException"/>.
    /// </remarks>
    public static IServiceCollection AddJsonFileStorage(this IServiceCollection services, Action<JsonFileStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(services).Configure(configure);
        return services;
    }

    /// <summary>
    /// Like <see cref="AddJsonFileStorage(IServiceCollection, Action{JsonFileStorageOptions})"/>, binding the options
    /// from <paramref name="configuration"/> (usually the <c>JsonFileStorage</c> section: <c>DataDirectory</c>,
    /// <c>ProviderWorkDirectory</c>, <c>LockTimeout</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the settings.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddJsonFileStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(services).Bind(configuration);
        return services;
    }

    private static OptionsBuilder<JsonFileStorageOptions> AddCore(IServiceCollection services)
    {
        var builder = services.AddOptions<JsonFileStorageOptions>();
        if (services.Any(d => d.ServiceType == typeof(JsonStorage)))
        {
            return builder;
        }

        // Registered before the caller's configuration so that configuration can override the environment.
        builder.Configure(options => options.ProviderWorkDirectory ??= Environment.GetEnvironmentVariable(JsonFileStorageOptions.WorkDirectoryVariable))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JsonFileStorageOptions>, JsonFileStorageOptionsValidator>());

        services.TryAddSingleton<JsonStorage>();
        services.TryAddSingleton<JsonTemplateStore>();
        services.TryAddSingleton<JsonRequestStore>();
        services.TryAddSingleton<JsonMachineStore>();
        services.TryAddSingleton<ITemplateStore>(sp => sp.GetRequiredService<JsonTemplateStore>());
        services.TryAddSingleton<ITemplateReader>(sp => sp.GetRequiredService<JsonTemplateStore>());
        services.TryAddSingleton<IRequestStore>(sp => sp.GetRequiredService<JsonRequestStore>());
        services.TryAddSingleton<IRequestReader>(sp => sp.GetRequiredService<JsonRequestStore>());
        services.TryAddSingleton<IMachineStore>(sp => sp.GetRequiredService<JsonMachineStore>());
        services.TryAddSingleton<IMachineReader>(sp => sp.GetRequiredService<JsonMachineStore>());
        services.TryAddSingleton(sp => new JsonFileStorageMaintenance(sp.GetRequiredService<JsonStorage>()));
        services.TryAddSingleton<IStoreExport>(sp => new JsonStoreExport(sp.GetRequiredService<JsonStorage>()));
        return builder;
    }
}
