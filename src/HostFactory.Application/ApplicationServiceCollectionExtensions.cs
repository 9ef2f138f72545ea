using HostFactory.Application;
using HostFactory.Application.Common;
using HostFactory.Application.Diagnostics;
using HostFactory.Application.Requests;
using HostFactory.Application.Requests.Common;
using HostFactory.Domain.Providers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the HostFactory application layer.</summary>
public static class ApplicationServiceCollectionExtensions
{
    private const string InnerRegistryKey = "HostFactory.Application.Diagnostics.InnerRegistry";

    private static readonly Func<IServiceProvider, object> InstrumentRegistry = static provider =>
        new InstrumentedMachineProviderRegistry(provider.GetRequiredKeyedService<IMachineProviderRegistry>(InnerRegistryKey));

    /// <summary>
    /// Registers every command and query handler of the application on the HostFactory.Cqrs buses (<c>AddCqrs</c>),
    /// <see cref="TimeProvider.System"/> unless a clock is already registered, <see cref="ApplicationOptions"/> (checked
    /// when first read, and at start-up under a host) and the helpers the handlers share. Idempotent: calling it again
    /// adds only <paramref name="configure"/>.
    /// </summary>
    /// <remarks>
    /// The host must also register the domain ports: <c>ITemplateStore</c>, <c>IRequestStore</c>, <c>IMachineStore</c>,
    /// their readers, <c>IMachineProviderRegistry</c>, and logging (<c>AddLogging</c>): the handlers log through
    /// <c>ILogger&lt;T&gt;</c>.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes the default settings; optional.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddHostFactoryApplication(this IServiceCollection services, Action<ApplicationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddCqrs(typeof(ApplicationOptions).Assembly);
        services.TryAddSingleton(TimeProvider.System);

        var options = services.AddOptions<ApplicationOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApplicationOptions>, ApplicationOptionsValidator>());

        services.TryAddSingleton<ConcurrencyRetry>();
        // Scoped, not singleton: the event bus dispatches to handlers of the caller's scope.
        services.TryAddScoped<DomainEventPublisher>();
        services.TryAddScoped<AggregateWriter>();
        services.TryAddScoped<MachineReturner>();
        services.TryAddScoped<Provisioner>();
        services.TryAddScoped<ProvisionRecovery>();
        return services;
    }

    /// <summary>
    /// Times and traces every provider call the handlers make: wraps the registered <see cref="IMachineProviderRegistry"/>
    /// so each provider it hands out reports to <see cref="HostFactoryDiagnostics"/> (a duration per call, a client
    /// span). Call it after the registry is registered (<c>AddHostFactory</c> does); idempotent, and a no-op without a
    /// registry. Costs nothing per call while nobody listens.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddHostFactoryProviderInstrumentation(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var index = -1;
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].ServiceType == typeof(IMachineProviderRegistry) && !services[i].IsKeyedService)
            {
                index = i;
            }
        }

        if (index < 0 || services[index].ImplementationFactory == InstrumentRegistry)
        {
            return services;
        }

        // The registry in force moves to a key of its own (so the container still creates and disposes it) and the
        // unkeyed registration hands it out wrapped.
        var inner = services[index];
        services.Add(inner switch
        {
            { ImplementationInstance: { } instance } => new ServiceDescriptor(typeof(IMachineProviderRegistry), InnerRegistryKey, instance),
            { ImplementationFactory: { } factory } => new ServiceDescriptor(typeof(IMachineProviderRegistry), InnerRegistryKey, (provider, _) => factory(provider), inner.Lifetime),
            _ => new ServiceDescriptor(typeof(IMachineProviderRegistry), InnerRegistryKey, inner.ImplementationType!, inner.Lifetime),
        });
        services[index] = new ServiceDescriptor(typeof(IMachineProviderRegistry), InstrumentRegistry, inner.Lifetime);
        return services;
    }
}
