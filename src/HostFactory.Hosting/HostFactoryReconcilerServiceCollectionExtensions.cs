using HostFactory.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the background reconciler to a host that already called <c>AddHostFactory</c>.</summary>
public static class HostFactoryReconcilerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="HostFactoryReconciler"/> as a singleton and as a hosted service, with
    /// <see cref="ReconcilerOptions"/> bound from <c>hostFactory:reconciler</c> of <paramref name="configuration"/> and
    /// validated at start-up (an <see cref="OptionsValidationException"/> names the setting). Idempotent.
    /// </summary>
    /// <param name="services">The service collection; <c>AddHostFactory</c> (or the application over other stores) must be registered too.</param>
    /// <param name="configuration">A configuration holding the <c>hostFactory</c> section.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddHostFactoryReconciler(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddHostFactoryReconciler(options => configuration.GetSection(ReconcilerOptions.SectionName).Bind(options));
    }

    /// <summary>Like <see cref="AddHostFactoryReconciler(IServiceCollection, IConfiguration)"/>, with the settings set in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the default settings; optional.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddHostFactoryReconciler(this IServiceCollection services, Action<ReconcilerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ReconcilerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(static d => d.ServiceType == typeof(HostFactoryReconciler)))
        {
            return services;
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReconcilerOptions>, ReconcilerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<HostFactoryReconciler>();
        services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<HostFactoryReconciler>());
        return services;
    }
}
