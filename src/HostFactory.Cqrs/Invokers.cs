using System.Runtime.CompilerServices;

namespace HostFactory.Cqrs;

/// <summary>Dispatches commands without a result of one runtime type.</summary>
internal abstract class VoidCommandInvoker
{
    private DirectRoute<Func<object, CancellationToken, ValueTask>>? _direct;

    /// <summary>Straight to a singleton handler while nobody listens to the built-in behaviours; otherwise through <see cref="DispatchAsync"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask InvokeAsync(ICommand command, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (_direct is { IsQuiet: true } direct)
        {
            return direct.Handle(command, cancellationToken);
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
        if (_direct is { } direct && !direct.Listeners.AnyListening)
        {
            return direct.Handle(command, cancellationToken);
        }

        return DispatchAsync(command, services, cancellationToken);
    }

    protected bool HasDirectRoute => _direct is not null;

    protected abstract ValueTask DispatchAsync(ICommand command, IServiceProvider services, CancellationToken cancellationToken);

    protected void OpenDirectRoute(Func<object, CancellationToken, ValueTask> handle, Listeners listeners) => _direct = new(handle, listeners);
}

/// <summary>What the dispatcher's map holds for a message with a result: the invoker, with the result type it answers.</summary>
/// <remarks>
/// The dispatcher checks <see cref="ResultType"/> against the caller's result type and reinterprets: a cast to
/// <see cref="ResultInvoker{TResult}"/> has a slow path through the runtime's cast helper, a call after which the
/// dispatch still needs its arguments, so the JIT keeps them in callee-saved registers on every call.
/// </remarks>
internal abstract class ResultRoute(Type resultType)
{
    public Type ResultType { get; } = resultType;
}

/// <summary>Dispatches commands with a result, or queries, of one runtime type.</summary>
internal abstract class ResultInvoker<TResult>() : ResultRoute(typeof(TResult))
{
    private DirectRoute<MessageHandlerDelegate<object, TResult>>? _direct;

    /// <summary>Straight to a singleton handler while nobody listens to the built-in behaviours; otherwise through <see cref="DispatchAsync"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<TResult> InvokeAsync(object message, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (_direct is { IsQuiet: true } direct)
        {
            return direct.Handle(message, cancellationToken);
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
        if (_direct is { } direct && !direct.Listeners.AnyListening)
        {
            return direct.Handle(message, cancellationToken);
        }

        return DispatchAsync(message, services, cancellationToken);
    }

    protected bool HasDirectRoute => _direct is not null;

    protected abstract ValueTask<TResult> DispatchAsync(object message, IServiceProvider services, CancellationToken cancellationToken);

    protected void OpenDirectRoute(MessageHandlerDelegate<object, TResult> handle, Listeners listeners) => _direct = new(handle, listeners);
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

internal sealed class VoidCommandInvoker<TCommand>(HandlerRegistration registration, CqrsRegistry registry, IServiceProvider root) : VoidCommandInvoker
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

internal sealed class CommandInvoker<TCommand, TResult>(HandlerRegistration registration, CqrsRegistry registry, IServiceProvider root) : ResultInvoker<TResult>
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

internal sealed class QueryInvoker<TQuery, TResult>(HandlerRegistration registration, CqrsRegistry registry, IServiceProvider root) : ResultInvoker<TResult>
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
