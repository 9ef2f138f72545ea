using System.Runtime.CompilerServices;

namespace HostFactory.Cqrs;

/// <summary>
/// What an invoker serves: one message type, sent expecting one result type (<c>typeof(void)</c> for a command without
/// a result). The dispatcher's maps and a bus's <see cref="RememberedInvoker"/> hold invokers as this.
/// </summary>
/// <remarks>
/// The dispatcher checks <see cref="ResultType"/> against the caller's result type, a bus's remembered invoker the
/// message type, which implies it (<see cref="ResultIsImplied"/>); both then reinterpret, rather than cast: a cast to
/// <see cref="ResultInvoker{TResult}"/> has a slow path through the runtime's cast helper, a call after which the
/// dispatch still needs its arguments, so the JIT would keep them in callee-saved registers on every call.
/// </remarks>
internal abstract class Invoker(Type messageType, Type resultType, bool resultIsImplied)
{
    /// <summary>The message type's handle (<see cref="TypeHandle.Of"/>).</summary>
    public nint MessageType { get; } = messageType.TypeHandle.Value;

    public Type ResultType { get; } = resultType;

    /// <summary>
    /// True when the message type can be sent expecting only <see cref="ResultType"/>: it implements one of its bus's
    /// message interfaces, once. Then a message of that type can reach its bus only through the overload and the result
    /// type this invoker serves, and its type alone shows that the invoker serves the call.
    /// </summary>
    public bool ResultIsImplied { get; } = resultIsImplied;

    // What must be quiet for a call to take the direct route without asking anything out of line. Written before the
    // route is published and read after it is seen (Volatile), so a thread that sees the route sees its listeners.
    private Listeners _directListeners;

    /// <summary>True once a quiet dispatch opened the route straight to a singleton handler. Once open it stays open.</summary>
    public abstract bool HasDirectRoute { get; }

    /// <summary>True when a call through the direct route asks nothing out of line: no logger to ask, no tracing or metrics listener.</summary>
    /// <remarks>
    /// Any tracing or metrics listener sends a call out of line, where <see cref="DirectListening"/> decides: an invoker
    /// whose built-in behaviours do not watch diagnostics takes the direct route from there. The listener checks are two
    /// conditions of their own rather than <see cref="CqrsDiagnostics.IsListening"/>: the JIT turns that property's
    /// <c>||</c> into a value it then tests, some five instructions more on every call.
    /// </remarks>
    protected bool DirectIsQuiet
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _directListeners.Logger is null && !CqrsDiagnostics.Source.HasListeners() && !CqrsDiagnostics.Duration.Enabled;
    }

    /// <summary>True when a built-in behaviour must run: a listener, or Debug on the logger.</summary>
    protected bool DirectListening => _directListeners.AnyListening;

    /// <summary>
    /// True when <paramref name="messageType"/> implements exactly one of <paramref name="messageInterfaces"/> (open
    /// generic or not): the message interfaces through which its bus sends it.
    /// </summary>
    protected static bool ImplementsOnce(Type messageType, params ReadOnlySpan<Type> messageInterfaces)
    {
        var found = 0;
        foreach (var contract in messageType.GetInterfaces())
        {
            var definition = contract.IsGenericType ? contract.GetGenericTypeDefinition() : contract;
            if (messageInterfaces.Contains(definition))
            {
                found++;
            }
        }

        return found == 1;
    }

    /// <summary>Sets the listeners of the direct route; call before publishing the route.</summary>
    protected void SetDirectListeners(Listeners listeners) => _directListeners = listeners;
}

/// <summary>Dispatches commands without a result of one runtime type.</summary>
internal abstract class VoidCommandInvoker(Type commandType)
    : Invoker(commandType, typeof(void), ImplementsOnce(commandType, typeof(ICommand), typeof(ICommand<>)))
{
    // The singleton handler's method, bound once a quiet dispatch found it (Untyped), taking the message as the
    // dispatcher holds it: called without a typed layer in between. Null until then; published after its listeners.
    private Func<object, CancellationToken, ValueTask>? _direct;

    /// <summary>Straight to a singleton handler while nobody listens to the built-in behaviours; otherwise through <see cref="DispatchAsync"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask InvokeAsync(ICommand command, IServiceProvider services, CancellationToken cancellationToken) =>
        Volatile.Read(ref _direct) is not null
            ? InvokeDirectAsync(command, services, cancellationToken)
            : InvokeOutOfLineAsync(command, services, cancellationToken);

    /// <summary>As <see cref="InvokeAsync"/> once the direct route is open (it never closes): the invoker a bus remembers is such.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask InvokeDirectAsync(ICommand command, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (DirectIsQuiet)
        {
            return Volatile.Read(ref _direct)!(command, cancellationToken);
        }

        return InvokeOutOfLineAsync(command, services, cancellationToken);
    }

    /// <summary>
    /// The direct route when a logger must be asked first, else the pipeline. Out of line and reached by a tail call:
    /// a call after which <see cref="InvokeAsync"/> still needed its arguments would make every dispatch save and
    /// restore callee-saved registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask InvokeOutOfLineAsync(ICommand command, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _direct) is { } direct && !DirectListening)
        {
            return direct(command, cancellationToken);
        }

        return DispatchAsync(command, services, cancellationToken);
    }

    public override bool HasDirectRoute => _direct is not null;

    protected abstract ValueTask DispatchAsync(ICommand command, IServiceProvider services, CancellationToken cancellationToken);

    protected void OpenDirectRoute(Func<object, CancellationToken, ValueTask> handle, Listeners listeners)
    {
        SetDirectListeners(listeners);
        Volatile.Write(ref _direct, handle);
    }
}

/// <summary>Dispatches commands with a result, or queries, of one runtime type.</summary>
/// <param name="messageType">The command or query type.</param>
/// <param name="messageInterfaces">The message interfaces through which its bus sends it (<see cref="Invoker.ResultIsImplied"/>).</param>
internal abstract class ResultInvoker<TResult>(Type messageType, params ReadOnlySpan<Type> messageInterfaces)
    : Invoker(messageType, typeof(TResult), ImplementsOnce(messageType, messageInterfaces))
{
    // The singleton handler's method, bound once a quiet dispatch found it (Untyped), taking the message as the
    // dispatcher holds it: called without a typed layer in between. Null until then; published after its listeners.
    private MessageHandlerDelegate<object, TResult>? _direct;

    /// <summary>Straight to a singleton handler while nobody listens to the built-in behaviours; otherwise through <see cref="DispatchAsync"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<TResult> InvokeAsync(object message, IServiceProvider services, CancellationToken cancellationToken) =>
        Volatile.Read(ref _direct) is not null
            ? InvokeDirectAsync(message, services, cancellationToken)
            : InvokeOutOfLineAsync(message, services, cancellationToken);

    /// <summary>As <see cref="InvokeAsync"/> once the direct route is open (it never closes): the invoker a bus remembers is such.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<TResult> InvokeDirectAsync(object message, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (DirectIsQuiet)
        {
            return Volatile.Read(ref _direct)!(message, cancellationToken);
        }

        return InvokeOutOfLineAsync(message, services, cancellationToken);
    }

    /// <summary>
    /// The direct route when a logger must be asked first, else the pipeline. Out of line and reached by a tail call:
    /// a call after which <see cref="InvokeAsync"/> still needed its arguments would make every dispatch save and
    /// restore callee-saved registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<TResult> InvokeOutOfLineAsync(object message, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _direct) is { } direct && !DirectListening)
        {
            return direct(message, cancellationToken);
        }

        return DispatchAsync(message, services, cancellationToken);
    }

    public override bool HasDirectRoute => _direct is not null;

    protected abstract ValueTask<TResult> DispatchAsync(object message, IServiceProvider services, CancellationToken cancellationToken);

    protected void OpenDirectRoute(MessageHandlerDelegate<object, TResult> handle, Listeners listeners)
    {
        SetDirectListeners(listeners);
        Volatile.Write(ref _direct, handle);
    }
}

/// <summary>
/// The cast from the message to the invoker's message type. The dispatcher picks an invoker by the message's exact
/// runtime type, so the cast cannot fail; a checked cast in shared generic code looks the type up on every call.
/// </summary>
internal static class Exact<TMessage>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TMessage Cast(object message)
    {
        System.Diagnostics.Debug.Assert(message.GetType() == typeof(TMessage), "The dispatcher matched the runtime type.");

        // A struct message arrives boxed and is unboxed; the test is a constant the JIT removes.
        return typeof(TMessage).IsValueType ? (TMessage)message : Unsafe.As<object, TMessage>(ref message);
    }
}

/// <summary>Turns a handler's method, typed by its message, into one that takes the message as <c>object</c>.</summary>
internal static class Untyped
{
    /// <summary>
    /// For a class message the same delegate, reinterpreted: the dispatcher calls it only with a message of exactly
    /// <typeparamref name="TMessage"/> (it found the route by the message's runtime type), and a delegate passes a
    /// reference along whatever its static type. A struct message is unboxed by a wrapper. The reinterpretation stays
    /// because the figures need it: a wrapping closure instead measured 5.0–5.8x a direct call for a query, against
    /// 4.2–4.9x (docs/benchmarks.md).
    /// </summary>
    public static MessageHandlerDelegate<object, TResult> Handler<TMessage, TResult>(MessageHandlerDelegate<TMessage, TResult> handle)
        where TMessage : notnull =>
        typeof(TMessage).IsValueType
            ? (message, cancellationToken) => handle(Exact<TMessage>.Cast(message), cancellationToken)
            : Unsafe.As<MessageHandlerDelegate<object, TResult>>(handle);

    /// <inheritdoc cref="Handler{TMessage, TResult}"/>
    public static Func<object, CancellationToken, ValueTask> Handler<TMessage>(Func<TMessage, CancellationToken, ValueTask> handle)
        where TMessage : notnull =>
        typeof(TMessage).IsValueType
            ? (message, cancellationToken) => handle(Exact<TMessage>.Cast(message), cancellationToken)
            : Unsafe.As<Func<object, CancellationToken, ValueTask>>(handle);
}

internal sealed class VoidCommandInvoker<TCommand>(HandlerRegistration registration, CqrsRegistry registry, IServiceProvider root) : VoidCommandInvoker(typeof(TCommand))
    where TCommand : ICommand
{
    private readonly HandlerSlot<TCommand, ICommandHandler<TCommand>, Unit> _slot =
        new(registration, registry, root, static handler => (command, cancellationToken) => ToUnit(handler.HandleAsync(command, cancellationToken)));

    protected override ValueTask DispatchAsync(ICommand message, IServiceProvider services, CancellationToken cancellationToken)
    {
        var command = Exact<TCommand>.Cast(message);
        var handler = _slot.Handler(services);
        var pipeline = _slot.Pipeline;
        if (!pipeline.CanBypass)
        {
            return FromUnit(_slot.Run(command, handler, services, cancellationToken));
        }

        if (_slot.IsSingleton && !HasDirectRoute)
        {
            OpenDirectRoute(Untyped.Handler<TCommand>(handler.HandleAsync), pipeline.Listeners);
        }

        return handler.HandleAsync(command, cancellationToken);
    }

    private static ValueTask<Unit> ToUnit(ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
        {
            task.GetAwaiter().GetResult();
            return new ValueTask<Unit>(Unit.Value);
        }

        return Awaited(task);

        static async ValueTask<Unit> Awaited(ValueTask task)
        {
            await task;
            return Unit.Value;
        }
    }

    private static ValueTask FromUnit(ValueTask<Unit> task)
    {
        if (task.IsCompletedSuccessfully)
        {
            task.GetAwaiter().GetResult();
            return default;
        }

        return Awaited(task);

        static async ValueTask Awaited(ValueTask<Unit> task) => await task;
    }
}

internal sealed class CommandInvoker<TCommand, TResult>(HandlerRegistration registration, CqrsRegistry registry, IServiceProvider root) : ResultInvoker<TResult>(typeof(TCommand), typeof(ICommand), typeof(ICommand<>))
    where TCommand : ICommand<TResult>
{
    private readonly HandlerSlot<TCommand, ICommandHandler<TCommand, TResult>, TResult> _slot =
        new(registration, registry, root, static handler => handler.HandleAsync);

    protected override ValueTask<TResult> DispatchAsync(object message, IServiceProvider services, CancellationToken cancellationToken)
    {
        var command = Exact<TCommand>.Cast(message);
        var handler = _slot.Handler(services);
        var pipeline = _slot.Pipeline;
        if (!pipeline.CanBypass)
        {
            return _slot.Run(command, handler, services, cancellationToken);
        }

        if (_slot.IsSingleton && !HasDirectRoute)
        {
            OpenDirectRoute(Untyped.Handler<TCommand, TResult>(handler.HandleAsync), pipeline.Listeners);
        }

        return handler.HandleAsync(command, cancellationToken);
    }
}

internal sealed class QueryInvoker<TQuery, TResult>(HandlerRegistration registration, CqrsRegistry registry, IServiceProvider root) : ResultInvoker<TResult>(typeof(TQuery), typeof(IQuery<>))
    where TQuery : IQuery<TResult>
{
    private readonly HandlerSlot<TQuery, IQueryHandler<TQuery, TResult>, TResult> _slot =
        new(registration, registry, root, static handler => handler.HandleAsync);

    protected override ValueTask<TResult> DispatchAsync(object message, IServiceProvider services, CancellationToken cancellationToken)
    {
        var query = Exact<TQuery>.Cast(message);
        var handler = _slot.Handler(services);
        var pipeline = _slot.Pipeline;
        if (!pipeline.CanBypass)
        {
            return _slot.Run(query, handler, services, cancellationToken);
        }

        if (_slot.IsSingleton && !HasDirectRoute)
        {
            OpenDirectRoute(Untyped.Handler<TQuery, TResult>(handler.HandleAsync), pipeline.Listeners);
        }

        return handler.HandleAsync(query, cancellationToken);
    }
}
