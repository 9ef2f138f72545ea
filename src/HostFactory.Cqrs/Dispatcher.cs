using System.Collections.Frozen;
using System.Runtime.CompilerServices;

namespace HostFactory.Cqrs;

/// <summary>
/// One invoker per message type, built once per container from the registry. The buses look their invoker up by the
/// message's runtime type; nothing on that path reflects or allocates.
/// </summary>
internal sealed class Dispatcher
{
    private readonly CqrsRegistry _registry;
    private readonly FrozenDictionary<Type, VoidCommandInvoker> _commands;
    private readonly FrozenDictionary<Type, object> _commandsWithResult;
    private readonly FrozenDictionary<Type, object> _queries;
    private readonly FrozenDictionary<Type, EventInvoker> _events;

    public Dispatcher(CqrsRegistry registry, IServiceProvider root)
    {
        _registry = registry;
        _commands = registry.Commands.Values.ToFrozenDictionary(
            r => r.MessageType,
            r => (VoidCommandInvoker)Create(typeof(VoidCommandInvoker<>), [r.MessageType], r, registry, root));
        _commandsWithResult = registry.CommandsWithResult.Values.ToFrozenDictionary(
            r => r.MessageType,
            r => Create(typeof(CommandInvoker<,>), [r.MessageType, r.ResultType], r, registry, root));
        _queries = registry.Queries.Values.ToFrozenDictionary(
            r => r.MessageType,
            r => Create(typeof(QueryInvoker<,>), [r.MessageType, r.ResultType], r, registry, root));
        _events = registry.Events.ToFrozenDictionary(
            e => e.Key,
            e => (EventInvoker)Activator.CreateInstance(typeof(EventInvoker<>).MakeGenericType(e.Key), e.Value, root)!);
    }

    public EventPublishStrategy EventPublishStrategy => _registry.Options.EventPublishStrategy;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public VoidCommandInvoker Command(Type type)
    {
        if (!_commands.TryGetValue(type, out var invoker))
        {
            ThrowHelper.HandlerNotFound(type, _registry.Assemblies);
        }

        return invoker;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ResultInvoker<TResult> CommandWithResult<TResult>(Type type) => Typed<TResult>(_commandsWithResult, type);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ResultInvoker<TResult> Query<TResult>(Type type) => Typed<TResult>(_queries, type);

    /// <summary>The event's invoker, or null when it has no handler (which is allowed).</summary>
    public EventInvoker? Event(Type type) => _events.GetValueOrDefault(type);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ResultInvoker<TResult> Typed<TResult>(FrozenDictionary<Type, object> invokers, Type type)
    {
        if (!invokers.TryGetValue(type, out var invoker))
        {
            ThrowHelper.HandlerNotFound(type, _registry.Assemblies);
        }

        if (invoker is not ResultInvoker<TResult> typed)
        {
            ThrowHelper.WrongResultType(type, typeof(TResult), invoker.GetType().GetGenericArguments()[^1]);
            return null;
        }

        return typed;
    }

    private static object Create(Type openInvoker, Type[] arguments, HandlerRegistration registration, CqrsRegistry registry, IServiceProvider root) =>
        Activator.CreateInstance(openInvoker.MakeGenericType(arguments), registration, registry, root)!;
}

/// <summary>The scoped command bus: resolves handlers from the scope it was resolved in.</summary>
internal sealed class CommandBus(Dispatcher dispatcher, IServiceProvider services) : ICommandBus
{
    public ValueTask ExecuteAsync(ICommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return dispatcher.Command(command.GetType()).InvokeAsync(command, services, cancellationToken);
    }

    public ValueTask<TResult> ExecuteAsync<TResult>(ICommand<TResult> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return dispatcher.CommandWithResult<TResult>(command.GetType()).InvokeAsync(command, services, cancellationToken);
    }
}

/// <summary>The scoped query bus.</summary>
internal sealed class QueryBus(Dispatcher dispatcher, IServiceProvider services) : IQueryBus
{
    public ValueTask<TResult> ExecuteAsync<TResult>(IQuery<TResult> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return dispatcher.Query<TResult>(query.GetType()).InvokeAsync(query, services, cancellationToken);
    }
}

/// <summary>The scoped event bus.</summary>
internal sealed class EventBus(Dispatcher dispatcher, IServiceProvider services) : IEventBus
{
    public ValueTask PublishAsync(IEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var invoker = dispatcher.Event(@event.GetType());
        return invoker is null ? default : invoker.PublishAsync(@event, services, dispatcher.EventPublishStrategy, cancellationToken);
    }
}
