using HostFactory.Application;
using HostFactory.Application.Common;
using HostFactory.Application.Diagnostics;
using HostFactory.Application.Requests;
using HostFactory.Application.Requests.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the HostFactory application layer.</summary>
public static class ApplicationServiceCollectionExtensions
{
    // Where a decorated service's own registration moves to, so the decorator can resolve it (and the container still
    // creates and disposes it). Keyed services are told apart by type and key, so one key serves every decorated type.
    private const string InnerKey = "HostFactory.Application.Diagnostics.Inner";

    private static readonly Func<IServiceProvider, object> InstrumentRegistry = static provider =>
        new InstrumentedMachineProviderRegistry(provider.GetRequiredKeyedService<IMachineProviderRegistry>(InnerKey));

    private static readonly (Type Service, Func<IServiceProvider, object> Traced)[] TracedStores =
    [
        (typeof(ITemplateStore), static provider => new TracedTemplateStore(provider.GetRequiredKeyedService<ITemplateStore>(InnerKey))),
        (typeof(ITemplateReader), static provider => new TracedTemplateReader(provider.GetRequiredKeyedService<ITemplateReader>(InnerKey))),
        (typeof(IRequestStore), static provider => new TracedRequestStore(provider.GetRequiredKeyedService<IRequestStore>(InnerKey))),
        (typeof(IRequestReader), static provider => new TracedRequestReader(provider.GetRequiredKeyedService<IRequestReader>(InnerKey))),
        (typeof(IMachineStore), static provider => new TracedMachineStore(provider.GetRequiredKeyedService<IMachineStore>(InnerKey))),
        (typeof(IMachineReader), static provider => new TracedMachineReader(provider.GetRequiredKeyedService<IMachineReader>(InnerKey))),
    ];

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
        Decorate(services, typeof(IMachineProviderRegistry), InstrumentRegistry);
        return services;
    }

    /// <summary>
    /// Traces every store operation the handlers make: wraps the registered store ports (<c>ITemplateStore</c>,
    /// <c>IRequestStore</c>, <c>IMachineStore</c> and their readers) so each read and write runs in an internal span
    /// <c>store {operation} {subject}</c> of the <see cref="HostFactoryDiagnostics"/> source (docs/observability.md lists
    /// them). Works the same over any store. Call it after the stores are registered (<c>AddHostFactory</c> does);
    /// idempotent, and a port not registered is left alone. While nobody listens an operation goes straight to the store.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddHostFactoryStoreInstrumentation(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var (service, traced) in TracedStores)
        {
            Decorate(services, service, traced);
        }

        return services;
    }

    /// <summary>
    /// Hands out the registration of <paramref name="service"/> in force (the last unkeyed one) through
    /// <paramref name="decorated"/>, which resolves the original under <see cref="InnerKey"/>. Does nothing when the
    /// service is not registered or is already decorated.
    /// </summary>
    private static void Decorate(IServiceCollection services, Type service, Func<IServiceProvider, object> decorated)
    {
        var index = -1;
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].ServiceType == service && !services[i].IsKeyedService)
            {
                index = i;
            }
        }

        if (index < 0 || services[index].ImplementationFactory == decorated)
        {
            return;
        }

        var inner = services[index];
        services.Add(inner switch
        {
            { ImplementationInstance: { } instance } => new ServiceDescriptor(service, InnerKey, instance),
            { ImplementationFactory: { } factory } => new ServiceDescriptor(service, InnerKey, (provider, _) => factory(provider), inner.Lifetime),
            _ => new ServiceDescriptor(service, InnerKey, inner.ImplementationType!, inner.Lifetime),
        });
        services[index] = new ServiceDescriptor(service, decorated, inner.Lifetime);
    }
}
