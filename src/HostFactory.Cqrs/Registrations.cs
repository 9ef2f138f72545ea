using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs;

/// <summary>What kind of message a handler handles; selects the bus and the invoker.</summary>
internal enum MessageKind
{
    Command,
    CommandWithResult,
    Query,
}

/// <summary>One command or query handler: the message it handles, its result, and how to resolve it.</summary>
internal sealed record HandlerRegistration(
    MessageKind Kind,
    Type MessageType,
    Type ResultType,
    Type ImplementationType,
    ServiceLifetime Lifetime);

/// <summary>One handler of one event type.</summary>
internal sealed record EventHandlerRegistration(Type EventType, Type ImplementationType, ServiceLifetime Lifetime);

/// <summary>An open generic pipeline behaviour and where it sits.</summary>
internal sealed record BehaviorRegistration(Type OpenType, int Order, ServiceLifetime Lifetime);

/// <summary>
/// Everything <c>AddCqrs</c> found, kept as a singleton in the service collection so repeated calls add to it and the
/// dispatcher builds its invokers from it.
/// </summary>
internal sealed class CqrsRegistry
{
    private readonly List<System.Reflection.Assembly> _assemblies = [];
    private readonly List<BehaviorRegistration> _behaviors = [];
    private readonly HashSet<Type> _messageTypes = [];

    public CqrsOptions Options { get; } = new();

    public IReadOnlyList<System.Reflection.Assembly> Assemblies => _assemblies;

    public Dictionary<Type, HandlerRegistration> Commands { get; } = [];

    public Dictionary<Type, HandlerRegistration> CommandsWithResult { get; } = [];

    public Dictionary<Type, HandlerRegistration> Queries { get; } = [];

    public Dictionary<Type, List<EventHandlerRegistration>> Events { get; } = [];

    /// <summary>Behaviours in pipeline order: by <see cref="BehaviorRegistration.Order"/>, then as registered.</summary>
    public IReadOnlyList<BehaviorRegistration> Behaviors => _behaviors;

    /// <summary>Command and query types seen in the scanned assemblies, handled or not.</summary>
    public IReadOnlyCollection<Type> MessageTypes => _messageTypes;

    public bool HasScanned(System.Reflection.Assembly assembly) => _assemblies.Contains(assembly);

    public void AddAssembly(System.Reflection.Assembly assembly) => _assemblies.Add(assembly);

    public void AddMessageType(Type type) => _messageTypes.Add(type);

    /// <summary>Adds a behaviour unless its open type is already in the pipeline; keeps the pipeline sorted.</summary>
    public bool AddBehavior(BehaviorRegistration behavior)
    {
        if (_behaviors.Exists(b => b.OpenType == behavior.OpenType))
        {
            return false;
        }

        // After every behaviour of the same order: equal orders keep registration order.
        var later = _behaviors.FindIndex(b => b.Order > behavior.Order);
        _behaviors.Insert(later < 0 ? _behaviors.Count : later, behavior);
        return true;
    }

    public Dictionary<Type, HandlerRegistration> HandlersOf(MessageKind kind) => kind switch
    {
        MessageKind.Command => Commands,
        MessageKind.CommandWithResult => CommandsWithResult,
        _ => Queries,
    };
}
