using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HostFactory.Cqrs;

/// <summary>
/// Finds handlers, behaviours and message types with Scrutor, checks every rule, and only then registers them, so a
/// failed <c>AddCqrs</c> leaves the service collection as it was.
/// </summary>
internal static class HandlerScanner
{
    public static void Scan(IServiceCollection services, CqrsRegistry registry, IEnumerable<Assembly> assemblies)
    {
        // This library's own behaviours are registered by AddCqrs itself and carry no attribute: scanning it (as a scan of
        // every loaded assembly does) must not fail on them.
        var fresh = assemblies.Distinct().Where(a => a != typeof(HandlerScanner).Assembly && !registry.HasScanned(a)).ToArray();
        var plan = new Plan(registry);
        foreach (var type in Discover(fresh, registry.Options.TypeFilter))
        {
            plan.Add(type);
        }

        foreach (var behavior in registry.Options.Behaviors)
        {
            plan.Behaviors.Add(behavior);
        }

        plan.Commit(services, fresh);
    }

    /// <summary>Throws unless <paramref name="type"/> is an open generic class implementing IPipelineBehavior&lt;TMessage, TResult&gt; with its own two type parameters.</summary>
    public static void EnsureBehaviorShape(Type type)
    {
        var parameters = type.IsGenericTypeDefinition ? type.GetGenericArguments() : [];
        var fits = type.IsClass && !type.IsAbstract && parameters.Length == 2 && type.GetInterfaces().Any(i =>
            i.IsGenericType
            && i.GetGenericTypeDefinition() == typeof(IPipelineBehavior<,>)
            && i.GetGenericArguments().SequenceEqual(parameters));
        if (!fits)
        {
            ThrowHelper.Registration(type,
                $"{TypeNames.Describe(type)} is not a usable pipeline behaviour: it must be a non-abstract open generic class "
                + "declared as Name<TMessage, TResult> : IPipelineBehavior<TMessage, TResult>.");
        }
    }

    private static IEnumerable<Type> Discover(Assembly[] assemblies, Func<Type, bool>? filter)
    {
        if (assemblies.Length == 0)
        {
            return [];
        }

        // Scrutor does the scanning into a scratch collection; the plan below decides what is registered and how.
        var found = new ServiceCollection();
        found.Scan(scan => scan
            .FromAssemblies(assemblies)
            .AddClasses(classes => classes.Where(t => IsCandidate(t) && (filter?.Invoke(t) ?? true)), publicOnly: false)
            .AsSelf()
            .WithTransientLifetime());

        // Scrutor adds classes only, but a command or query may be a struct: ValidateCqrs must see those as well.
        var structMessages = assemblies
            .SelectMany(a => a.DefinedTypes)
            .Where(t => t.IsValueType && t.ImplementedInterfaces.Any(i => Classify(i) == "message") && (filter?.Invoke(t) ?? true));
        return found.Select(d => d.ServiceType).Concat(structMessages).Distinct();
    }

    private static bool IsCandidate(Type type) =>
        type.IsDefined(typeof(HandlerAttribute), inherit: false)
        || type.IsDefined(typeof(PipelineBehaviorAttribute), inherit: false)
        || type.GetInterfaces().Any(i => Classify(i) is not null);

    /// <summary>What role a generic interface gives a class, if any.</summary>
    private static string? Classify(Type @interface)
    {
        if (@interface == typeof(ICommand))
        {
            return "message";
        }

        if (!@interface.IsGenericType)
        {
            return null;
        }

        var definition = @interface.GetGenericTypeDefinition();
        return definition == typeof(ICommandHandler<>) || definition == typeof(ICommandHandler<,>) ? "command"
            : definition == typeof(IQueryHandler<,>) ? "query"
            : definition == typeof(IEventHandler<>) ? "event"
            : definition == typeof(IPipelineBehavior<,>) ? "behavior"
            : definition == typeof(ICommand<>) || definition == typeof(IQuery<>) ? "message"
            : null;
    }

    private sealed class Plan(CqrsRegistry registry)
    {
        private readonly List<HandlerRegistration> _handlers = [];
        private readonly List<EventHandlerRegistration> _eventHandlers = [];
        private readonly List<Type> _messageTypes = [];

        public List<BehaviorRegistration> Behaviors { get; } = [];

        public void Add(Type type)
        {
            var interfaces = type.GetInterfaces().Where(i => Classify(i) is not null).ToArray();
            if (interfaces.Any(i => Classify(i) == "message") && !type.IsGenericTypeDefinition)
            {
                _messageTypes.Add(type);
            }

            var behaviorAttribute = type.GetCustomAttribute<PipelineBehaviorAttribute>(inherit: false);
            if (behaviorAttribute is not null)
            {
                EnsureBehaviorShape(type);
                Behaviors.Add(new BehaviorRegistration(type, behaviorAttribute.Order, behaviorAttribute.Lifetime));
            }
            else if (interfaces.Any(i => Classify(i) == "behavior"))
            {
                ThrowHelper.Registration(type,
                    $"{TypeNames.Describe(type)} implements IPipelineBehavior<TMessage, TResult> but is not marked [PipelineBehavior]. "
                    + "Mark it, add it with CqrsOptions.AddBehavior, or exclude it with CqrsOptions.TypeFilter.");
            }

            var lifetime = CheckAttributes(type, interfaces);
            if (lifetime is not { } handlerLifetime)
            {
                return;
            }

            foreach (var @interface in interfaces)
            {
                var arguments = @interface.GetGenericArguments();
                var definition = @interface.GetGenericTypeDefinition();
                if (definition == typeof(IEventHandler<>))
                {
                    _eventHandlers.Add(new EventHandlerRegistration(arguments[0], type, handlerLifetime));
                }
                else if (definition == typeof(ICommandHandler<>))
                {
                    AddHandler(new HandlerRegistration(MessageKind.Command, arguments[0], typeof(Unit), type, handlerLifetime));
                }
                else if (definition == typeof(ICommandHandler<,>))
                {
                    AddHandler(new HandlerRegistration(MessageKind.CommandWithResult, arguments[0], arguments[1], type, handlerLifetime));
                }
                else if (definition == typeof(IQueryHandler<,>))
                {
                    AddHandler(new HandlerRegistration(MessageKind.Query, arguments[0], arguments[1], type, handlerLifetime));
                }
            }
        }

        public void Commit(IServiceCollection services, Assembly[] assemblies)
        {
            foreach (var handler in _handlers)
            {
                registry.HandlersOf(handler.Kind)[handler.MessageType] = handler;
                services.TryAdd(ServiceDescriptor.Describe(handler.ImplementationType, handler.ImplementationType, handler.Lifetime));
            }

            foreach (var handler in _eventHandlers)
            {
                if (!registry.Events.TryGetValue(handler.EventType, out var list))
                {
                    registry.Events[handler.EventType] = list = [];
                }

                if (!list.Exists(h => h.ImplementationType == handler.ImplementationType))
                {
                    list.Add(handler);
                }

                services.TryAdd(ServiceDescriptor.Describe(handler.ImplementationType, handler.ImplementationType, handler.Lifetime));
            }

            foreach (var behavior in Behaviors)
            {
                if (registry.AddBehavior(behavior))
                {
                    services.TryAdd(ServiceDescriptor.Describe(behavior.OpenType, behavior.OpenType, behavior.Lifetime));
                }
            }

            foreach (var type in _messageTypes)
            {
                registry.AddMessageType(type);
            }

            foreach (var assembly in assemblies)
            {
                registry.AddAssembly(assembly);
            }
        }

        private void AddHandler(HandlerRegistration handler)
        {
            var existing = registry.HandlersOf(handler.Kind).GetValueOrDefault(handler.MessageType)
                ?? _handlers.Find(h => h.Kind == handler.Kind && h.MessageType == handler.MessageType);
            if (existing is null)
            {
                _handlers.Add(handler);
            }
            else if (existing.ImplementationType != handler.ImplementationType)
            {
                throw new DuplicateHandlerException(handler.MessageType, existing.ImplementationType, handler.ImplementationType);
            }
        }

        /// <summary>Checks that attributes and handler interfaces go together; returns the handler lifetime, or null if the type is no handler.</summary>
        private static ServiceLifetime? CheckAttributes(Type type, Type[] interfaces)
        {
            ServiceLifetime? lifetime = null;
            foreach (var (role, attributeType, attributeName, interfaceNames) in Roles)
            {
                var attribute = (HandlerAttribute?)type.GetCustomAttribute(attributeType, inherit: false);
                var implemented = interfaces.Where(i => Classify(i) == role).ToArray();
                if (attribute is not null && implemented.Length == 0)
                {
                    ThrowHelper.Registration(type,
                        $"{TypeNames.Describe(type)} is marked [{attributeName}] but implements no {interfaceNames}.");
                }

                if (attribute is null && implemented.Length > 0)
                {
                    ThrowHelper.Registration(type,
                        $"{TypeNames.Describe(type)} implements {TypeNames.Describe(implemented[0])} but is not marked [{attributeName}]. "
                        + "Mark it so it is registered, or exclude it from scanning with CqrsOptions.TypeFilter.");
                }

                if (attribute is null)
                {
                    continue;
                }

                if (type.IsGenericTypeDefinition)
                {
                    ThrowHelper.Registration(type,
                        $"{TypeNames.Describe(type)} is an open generic handler; handlers must be closed types (one class per message type).");
                }

                if (lifetime is { } other && other != attribute.Lifetime)
                {
                    ThrowHelper.Registration(type,
                        $"{TypeNames.Describe(type)} has handler attributes with different lifetimes ({other} and {attribute.Lifetime}); one class has one lifetime.");
                }

                lifetime = attribute.Lifetime;
            }

            return lifetime;
        }

        private static readonly (string Role, Type Attribute, string AttributeName, string Interfaces)[] Roles =
        [
            ("command", typeof(CommandHandlerAttribute), "CommandHandler", "ICommandHandler<TCommand> or ICommandHandler<TCommand, TResult>"),
            ("query", typeof(QueryHandlerAttribute), "QueryHandler", "IQueryHandler<TQuery, TResult>"),
            ("event", typeof(EventHandlerAttribute), "EventHandler", "IEventHandler<TEvent>"),
        ];
    }
}
