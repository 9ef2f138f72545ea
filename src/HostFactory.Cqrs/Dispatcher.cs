using System.Runtime.CompilerServices;

namespace HostFactory.Cqrs;

/// <summary>
/// One invoker per message type, built once per container from the registry. The buses look their invoker up by the
/// message's runtime type; nothing on that path reflects or allocates.
/// </summary>
internal sealed class Dispatcher
{
    private readonly CqrsRegistry _registry;
    private readonly TypeMap<VoidCommandInvoker> _commands;
    private readonly TypeMap<ResultRoute> _commandsWithResult;
    private readonly TypeMap<ResultRoute> _queries;
    private readonly TypeMap<EventInvoker> _events;

    public Dispatcher(CqrsRegistry registry, IServiceProvider root)
    {
        _registry = registry;
        _commands = new(
            registry.Commands.Keys,
            type => (VoidCommandInvoker)Create(typeof(VoidCommandInvoker<>), [type], registry.Commands[type], registry, root));
        _commandsWithResult = ResultRoutes(registry.CommandsWithResult, typeof(CommandInvoker<,>), registry, root);
        _queries = ResultRoutes(registry.Queries, typeof(QueryInvoker<,>), registry, root);
        _events = new(
            registry.Events.Keys,
            type => (EventInvoker)Activator.CreateInstance(typeof(EventInvoker<>).MakeGenericType(type), registry.Events[type], root, registry.Options.EventPublishStrategy)!);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public VoidCommandInvoker Command(ICommand command)
    {
        var invoker = _commands.Find(command);
        if (invoker is null)
        {
            ThrowHelper.HandlerNotFound(command.GetType(), _registry.Assemblies);
        }

        return invoker;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<TResult> CommandWithResultAsync<TResult>(ICommand<TResult> command, IServiceProvider services, CancellationToken cancellationToken) =>
        InvokeAsync<TResult>(_commandsWithResult, command, services, cancellationToken);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<TResult> QueryAsync<TResult>(IQuery<TResult> query, IServiceProvider services, CancellationToken cancellationToken) =>
        InvokeAsync<TResult>(_queries, query, services, cancellationToken);

    /// <summary>The event's invoker, or null when it has no handler (which is allowed).</summary>
    public EventInvoker? Event(IEvent @event) => _events.Find(@event);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ValueTask<TResult> InvokeAsync<TResult>(TypeMap<ResultRoute> invokers, object message, IServiceProvider services, CancellationToken cancellationToken)
    {
        var invoker = invokers.Find(message);
        if (invoker is not null && invoker.ResultType == typeof(TResult))
        {
            // The result type matched: the invoker is a ResultInvoker<TResult>.
            return Unsafe.As<ResultInvoker<TResult>>(invoker).InvokeAsync(message, services, cancellationToken);
        }

        return NotFoundOrWrongResult<TResult>(invoker, message);
    }

    // Throws, and is reached by a tail call: a call after which the dispatch still needed a value would make every
    // dispatch save and restore callee-saved registers.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<TResult> NotFoundOrWrongResult<TResult>(ResultRoute? invoker, object message)
    {
        if (invoker is null)
        {
            ThrowHelper.HandlerNotFound(message.GetType(), _registry.Assemblies);
        }

        ThrowHelper.WrongResultType(message.GetType(), typeof(TResult), invoker.ResultType);
        return default;
    }

    private static TypeMap<ResultRoute> ResultRoutes(Dictionary<Type, HandlerRegistration> handlers, Type openInvoker, CqrsRegistry registry, IServiceProvider root) =>
        new(handlers.Keys, type =>
        {
            var handler = handlers[type];
            return (ResultRoute)Create(openInvoker, [type, handler.ResultType], handler, registry, root);
        });

    private static object Create(Type openInvoker, Type[] arguments, HandlerRegistration registration, CqrsRegistry registry, IServiceProvider root) =>
        Activator.CreateInstance(openInvoker.MakeGenericType(arguments), registration, registry, root)!;
}

/// <summary>The scoped command bus: resolves handlers from the scope it was resolved in.</summary>
internal sealed class CommandBus(Dispatcher dispatcher, IServiceProvider services) : ICommandBus
{
    public ValueTask ExecuteAsync(ICommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return dispatcher.Command(command).InvokeAsync(command, services, cancellationToken);
    }

    public ValueTask<TResult> ExecuteAsync<TResult>(ICommand<TResult> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return dispatcher.CommandWithResultAsync(command, services, cancellationToken);
    }
}

/// <summary>The scoped query bus.</summary>
internal sealed class QueryBus(Dispatcher dispatcher, IServiceProvider services) : IQueryBus
{
    public ValueTask<TResult> ExecuteAsync<TResult>(IQuery<TResult> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return dispatcher.QueryAsync(query, services, cancellationToken);
    }
}

/// <summary>The scoped event bus.</summary>
internal sealed class EventBus(Dispatcher dispatcher, IServiceProvider services) : IEventBus
{
    public ValueTask PublishAsync(IEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var invoker = dispatcher.Event(@event);
        return invoker is null ? default : invoker.PublishAsync(@event, services, cancellationToken);
    }
}
