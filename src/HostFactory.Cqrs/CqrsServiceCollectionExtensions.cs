using System.Reflection;
using HostFactory.Cqrs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the HostFactory.Cqrs buses and the handlers found in assemblies.</summary>
public static class CqrsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ICommandBus"/>, <see cref="IQueryBus"/> and <see cref="IEventBus"/> (each bound to the scope it
    /// is resolved from), the built-in
    /// behaviours, and every handler and behaviour marked with an attribute in <paramref name="assemblies"/>.
    /// Calling it again adds assemblies; an assembly already scanned is skipped.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="assemblies">The assemblies to scan.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="DuplicateHandlerException">Two handlers handle one command or query.</exception>
    /// <exception cref="HandlerRegistrationException">A class is marked or implemented wrongly; see its message.</exception>
    public static IServiceCollection AddCqrs(this IServiceCollection services, params Assembly[] assemblies) =>
        services.AddCqrs(static _ => { }, assemblies);

    /// <summary>Like <see cref="AddCqrs(IServiceCollection, Assembly[])"/>, configuring the options first.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the event publish strategy, a type filter, and extra behaviours.</param>
    /// <param name="assemblies">The assemblies to scan.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="DuplicateHandlerException">Two handlers handle one command or query.</exception>
    /// <exception cref="HandlerRegistrationException">A class is marked or implemented wrongly; see its message.</exception>
    public static IServiceCollection AddCqrs(this IServiceCollection services, Action<CqrsOptions> configure, params Assembly[] assemblies)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(assemblies);

        var registry = FindRegistry(services);
        var isNew = registry is null;
        registry ??= new CqrsRegistry();
        configure(registry.Options);
        HandlerScanner.Scan(services, registry, assemblies);

        if (isNew)
        {
            AddCore(services, registry);
        }

        return services;
    }

    /// <summary>
    /// Checks that every command and query type found in the scanned assemblies has a handler. Call it after the last
    /// <c>AddCqrs</c>, for example in a start-up test.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="MissingHandlersException">Lists every message type without a handler.</exception>
    /// <exception cref="InvalidOperationException"><c>AddCqrs</c> was not called on <paramref name="services"/>.</exception>
    public static IServiceCollection ValidateCqrs(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registry = FindRegistry(services)
            ?? throw new InvalidOperationException("ValidateCqrs found no CQRS registration: call services.AddCqrs(...) first.");
        var missing = registry.MessageTypes
            .Where(type => !IsHandled(registry, type))
            .OrderBy(type => type.FullName, StringComparer.Ordinal)
            .ToArray();
        return missing.Length == 0 ? services : throw new MissingHandlersException(missing);
    }

    private static bool IsHandled(CqrsRegistry registry, Type type)
    {
        foreach (var @interface in type.GetInterfaces())
        {
            var handled = @interface == typeof(ICommand) ? registry.Commands.ContainsKey(type)
                : !@interface.IsGenericType ? true
                : @interface.GetGenericTypeDefinition() == typeof(ICommand<>) ? registry.CommandsWithResult.ContainsKey(type)
                : @interface.GetGenericTypeDefinition() == typeof(IQuery<>) ? registry.Queries.ContainsKey(type)
                : true;
            if (!handled)
            {
                return false;
            }
        }

        return true;
    }

    private static CqrsRegistry? FindRegistry(IServiceCollection services) =>
        services.FirstOrDefault(d => d.ServiceType == typeof(CqrsRegistry))?.ImplementationInstance as CqrsRegistry;

    private static void AddCore(IServiceCollection services, CqrsRegistry registry)
    {
        services.AddSingleton(registry);
        services.TryAddSingleton<Dispatcher>();
        // The buses are bound to the scope they are resolved from, as scoped services would be. They are registered
        // transient because they hold no state and a transient resolve skips the scope's lock and instance dictionary:
        // creating a scope and dispatching through a scoped-registered bus measured 1.68x the hand-written
        // "create scope, resolve handler, call"; transient measures 1.28-1.31x. Registered by type, not by a factory
        // delegate: the container's compiled constructor call is 2-4 ns cheaper (docs/benchmarks.md).
        services.TryAddTransient<ICommandBus, CommandBus>();
        services.TryAddTransient<IQueryBus, QueryBus>();
        services.TryAddTransient<IEventBus, EventBus>();

        BehaviorRegistration[] builtIns =
        [
            new(typeof(DiagnosticsBehavior<,>), BuiltInBehaviorOrder.Diagnostics, ServiceLifetime.Singleton),
            new(typeof(LoggingBehavior<,>), BuiltInBehaviorOrder.Logging, ServiceLifetime.Singleton),
            new(typeof(ValidationBehavior<,>), BuiltInBehaviorOrder.Validation, ServiceLifetime.Singleton),
        ];
        foreach (var behavior in builtIns)
        {
            if (registry.AddBehavior(behavior))
            {
                services.TryAdd(ServiceDescriptor.Describe(behavior.OpenType, behavior.OpenType, behavior.Lifetime));
            }
        }
    }
}
