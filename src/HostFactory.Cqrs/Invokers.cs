using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs;

/// <summary>Dispatches commands without a result of one runtime type.</summary>
internal abstract class VoidCommandInvoker
{
    public abstract ValueTask InvokeAsync(ICommand command, IServiceProvider services, CancellationToken cancellationToken);
}

/// <summary>Dispatches commands with a result, or queries, of one runtime type.</summary>
internal abstract class ResultInvoker<TResult>
{
    public abstract ValueTask<TResult> InvokeAsync(object message, IServiceProvider services, CancellationToken cancellationToken);
}

/// <summary>Publishes events of one runtime type.</summary>
internal abstract class EventInvoker
{
    public abstract ValueTask PublishAsync(IEvent @event, IServiceProvider services, EventPublishStrategy strategy, CancellationToken cancellationToken);
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

    public override ValueTask InvokeAsync(ICommand command, IServiceProvider services, CancellationToken cancellationToken)
    {
        var typed = Exact<TCommand>.Cast(command);
        var handler = _slot.Handler(services);
        return _slot.CanBypass
            ? handler.HandleAsync(typed, cancellationToken)
            : FromUnit(_slot.Run(typed, handler, services, cancellationToken));
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

    public override ValueTask<TResult> InvokeAsync(object message, IServiceProvider services, CancellationToken cancellationToken)
    {
        var command = Exact<TCommand>.Cast(message);
        var handler = _slot.Handler(services);
        return _slot.CanBypass
            ? handler.HandleAsync(command, cancellationToken)
            : _slot.Run(command, handler, services, cancellationToken);
    }
}

internal sealed class QueryInvoker<TQuery, TResult>(HandlerRegistration registration, CqrsRegistry registry, IServiceProvider root) : ResultInvoker<TResult>
    where TQuery : IQuery<TResult>
{
    private readonly HandlerSlot<TQuery, IQueryHandler<TQuery, TResult>, TResult> _slot =
        new(registration, registry, root, static handler => handler.HandleAsync);

    public override ValueTask<TResult> InvokeAsync(object message, IServiceProvider services, CancellationToken cancellationToken)
    {
        var query = Exact<TQuery>.Cast(message);
        var handler = _slot.Handler(services);
        return _slot.CanBypass
            ? handler.HandleAsync(query, cancellationToken)
            : _slot.Run(query, handler, services, cancellationToken);
    }
}

internal sealed class EventInvoker<TEvent>(IReadOnlyList<EventHandlerRegistration> handlers, IServiceProvider root) : EventInvoker
    where TEvent : IEvent
{
    private readonly EventHandlerRegistration[] _handlers = [.. handlers];
    private readonly IEventHandler<TEvent>?[] _singletons = new IEventHandler<TEvent>?[handlers.Count];

    public override ValueTask PublishAsync(IEvent @event, IServiceProvider services, EventPublishStrategy strategy, CancellationToken cancellationToken) =>
        strategy == EventPublishStrategy.Parallel
            ? PublishInParallel(Exact<TEvent>.Cast(@event), services, cancellationToken)
            : PublishInSequence(Exact<TEvent>.Cast(@event), services, cancellationToken);

    private async ValueTask PublishInSequence(TEvent @event, IServiceProvider services, CancellationToken cancellationToken)
    {
        List<(Type, Exception)>? failures = null;
        for (var i = 0; i < _handlers.Length; i++)
        {
            try
            {
                await Handler(i, services).HandleAsync(@event, cancellationToken);
            }
            catch (Exception exception)
            {
                (failures ??= []).Add((_handlers[i].ImplementationType, exception));
            }
        }

        ThrowIfAnyFailed(failures);
    }

    private async ValueTask PublishInParallel(TEvent @event, IServiceProvider services, CancellationToken cancellationToken)
    {
        // Start every handler before awaiting any, then collect each outcome in registration order.
        var running = new (Type Handler, Task? Task, Exception? Error)[_handlers.Length];
        for (var i = 0; i < _handlers.Length; i++)
        {
            try
            {
                running[i] = (_handlers[i].ImplementationType, Handler(i, services).HandleAsync(@event, cancellationToken).AsTask(), null);
            }
            catch (Exception exception)
            {
                running[i] = (_handlers[i].ImplementationType, null, exception);
            }
        }

        List<(Type, Exception)>? failures = null;
        foreach (var (handler, task, error) in running)
        {
            if (error is not null)
            {
                (failures ??= []).Add((handler, error));
                continue;
            }

            try
            {
                await task!;
            }
            catch (Exception exception)
            {
                (failures ??= []).Add((handler, exception));
            }
        }

        ThrowIfAnyFailed(failures);
    }

    private IEventHandler<TEvent> Handler(int index, IServiceProvider services)
    {
        var registration = _handlers[index];
        if (registration.Lifetime != ServiceLifetime.Singleton)
        {
            return (IEventHandler<TEvent>)ScopedResolution.Resolve(services, registration.ImplementationType);
        }

        return _singletons[index] ??= (IEventHandler<TEvent>)root.GetRequiredService(registration.ImplementationType);
    }

    private static void ThrowIfAnyFailed(List<(Type, Exception)>? failures)
    {
        if (failures is not null)
        {
            throw new EventHandlerException(typeof(TEvent), failures);
        }
    }
}
