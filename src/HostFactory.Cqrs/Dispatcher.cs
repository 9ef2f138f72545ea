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
    private readonly TypeMap<Invoker> _commandsWithResult;
    private readonly TypeMap<Invoker> _queries;
    private readonly TypeMap<EventInvoker> _events;

    public Dispatcher(CqrsRegistry registry, IServiceProvider root)
    {
        _registry = registry;
        _commands = new(
            registry.Commands.Keys,
            type => (VoidCommandInvoker)Create(typeof(VoidCommandInvoker<>), [type], registry.Commands[type], registry, root));
        _commandsWithResult = ResultInvokers(registry.CommandsWithResult, typeof(CommandInvoker<,>), registry, root);
        _queries = ResultInvokers(registry.Queries, typeof(QueryInvoker<,>), registry, root);
        _events = new(
            registry.Events.Keys,
            type => (EventInvoker)Activator.CreateInstance(typeof(EventInvoker<>).MakeGenericType(type), registry.Events[type], root, registry.Options.EventPublishStrategy)!);
    }

    public VoidCommandInvoker Command(ICommand command)
    {
        var invoker = _commands.Find(command);
        if (invoker is null)
        {
            ThrowHelper.HandlerNotFound(command.GetType(), _registry.Assemblies);
        }

        return invoker;
    }

    public ResultInvoker<TResult> CommandWithResult<TResult>(ICommand<TResult> command) => Find<TResult>(_commandsWithResult, command);

    public ResultInvoker<TResult> Query<TResult>(IQuery<TResult> query) => Find<TResult>(_queries, query);

    /// <summary>The event's invoker, or null when it has no handler (which is allowed).</summary>
    public EventInvoker? Event(IEvent @event) => _events.Find(@event);

    private ResultInvoker<TResult> Find<TResult>(TypeMap<Invoker> invokers, object message)
    {
        var invoker = invokers.Find(message);
        if (invoker is null)
        {
            ThrowHelper.HandlerNotFound(message.GetType(), _registry.Assemblies);
        }

        if (invoker.ResultType != typeof(TResult))
        {
            ThrowHelper.WrongResultType(message.GetType(), typeof(TResult), invoker.ResultType);
        }

        // The result type matched: the invoker is a ResultInvoker<TResult>.
        return Unsafe.As<ResultInvoker<TResult>>(invoker);
    }

    private static TypeMap<Invoker> ResultInvokers(Dictionary<Type, HandlerRegistration> handlers, Type openInvoker, CqrsRegistry registry, IServiceProvider root) =>
        new(handlers.Keys, type =>
        {
            var handler = handlers[type];
            return (Invoker)Create(openInvoker, [type, handler.ResultType], handler, registry, root);
        });

    private static object Create(Type openInvoker, Type[] arguments, HandlerRegistration registration, CqrsRegistry registry, IServiceProvider root) =>
        Activator.CreateInstance(openInvoker.MakeGenericType(arguments), registration, registry, root)!;
}

/// <summary>
/// The scoped command bus: resolves handlers from the scope it was resolved in. A message of the type it remembers goes
/// to that type's invoker; any other is looked up by the dispatcher.
/// </summary>
internal sealed class CommandBus(Dispatcher dispatcher, IServiceProvider services) : ICommandBus
{
    private RememberedInvoker _remembered;

    public ValueTask ExecuteAsync(ICommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_remembered.Serves(command, out VoidCommandInvoker? invoker))
        {
            return invoker.InvokeDirectAsync(command, services, cancellationToken);
        }

        return DispatchAsync(command, cancellationToken);
    }

    public ValueTask<TResult> ExecuteAsync<TResult>(ICommand<TResult> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_remembered.Serves(command, out ResultInvoker<TResult>? invoker))
        {
            return invoker.InvokeDirectAsync(command, services, cancellationToken);
        }

        return DispatchAsync(command, cancellationToken);
    }

    // Out of line: inlined, its calls would make the JIT keep the arguments in callee-saved registers, saved and
    // restored on every call, the remembered invoker's included.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask DispatchAsync(ICommand command, CancellationToken cancellationToken)
    {
        var invoker = dispatcher.Command(command);
        var task = invoker.InvokeAsync(command, services, cancellationToken);
        _remembered.Remember(invoker);
        return task;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<TResult> DispatchAsync<TResult>(ICommand<TResult> command, CancellationToken cancellationToken)
    {
        var invoker = dispatcher.CommandWithResult(command);
        var task = invoker.InvokeAsync(command, services, cancellationToken);
        _remembered.Remember(invoker);
        return task;
    }
}

/// <summary>The scoped query bus, as <see cref="CommandBus"/>.</summary>
internal sealed class QueryBus(Dispatcher dispatcher, IServiceProvider services) : IQueryBus
{
    private RememberedInvoker _remembered;

    public ValueTask<TResult> ExecuteAsync<TResult>(IQuery<TResult> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (_remembered.Serves(query, out ResultInvoker<TResult>? invoker))
        {
            return invoker.InvokeDirectAsync(query, services, cancellationToken);
        }

        return DispatchAsync(query, cancellationToken);
    }

    // Out of line, as the command bus's.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<TResult> DispatchAsync<TResult>(IQuery<TResult> query, CancellationToken cancellationToken)
    {
        var invoker = dispatcher.Query(query);
        var task = invoker.InvokeAsync(query, services, cancellationToken);
        _remembered.Remember(invoker);
        return task;
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
