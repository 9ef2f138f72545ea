using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs;

/// <summary>Publishes events of one runtime type.</summary>
internal abstract class EventInvoker
{
    public abstract ValueTask PublishAsync(IEvent @event, IServiceProvider services, CancellationToken cancellationToken);
}

/// <summary>
/// Runs every handler of <typeparamref name="TEvent"/>, one after another or all at once as the options say. A failing
/// handler does not stop the others; the failures are thrown together afterwards.
/// </summary>
internal sealed class EventInvoker<TEvent>(IReadOnlyList<EventHandlerRegistration> handlers, IServiceProvider root, EventPublishStrategy strategy)
    : EventInvoker
    where TEvent : IEvent
{
    private readonly EventHandlerRegistration[] _handlers = [.. handlers];

    // Each singleton handler's HandleAsync, bound on its first publish; a delegate call needs no lookup of the generic
    // interface, which shared generic code makes on every interface call. Null for scoped and transient handlers.
    private readonly Func<TEvent, CancellationToken, ValueTask>?[] _singletons = new Func<TEvent, CancellationToken, ValueTask>?[handlers.Count];

    public override ValueTask PublishAsync(IEvent @event, IServiceProvider services, CancellationToken cancellationToken) =>
        strategy == EventPublishStrategy.Parallel
            ? PublishInParallel(Exact<TEvent>.Cast(@event), services, cancellationToken)
            : PublishInSequence(Exact<TEvent>.Cast(@event), services, cancellationToken);

    /// <summary>
    /// Calls the handlers in order without an async state machine while each completes at once; the first that does not
    /// is awaited by <see cref="PublishRestInSequence"/>, which goes on from there, as it does after a handler that
    /// throws before returning its task. An async method costs its state machine on every call even when nothing
    /// waits: publishing to one singleton handler measured about 2x Mediator's <c>Publish</c> that way (docs/benchmarks.md).
    /// </summary>
    /// <remarks>
    /// The first three bound singletons are called from call sites of their own, as Mediator's <c>ForeachAwaitPublisher</c>
    /// calls its first handlers: dynamic PGO profiles each site apart, sees one handler there, and can inline it behind a
    /// guard. From one shared site it sees them all and inlines none. Publishing to three singleton handlers measured
    /// 0.92–1.41x Mediator's <c>Publish</c> from one site (four processes of six above 1.3x) and 0.76–1.10x this way,
    /// each pair in a process of its own (docs/benchmarks.md).
    /// </remarks>
    private ValueTask PublishInSequence(TEvent @event, IServiceProvider services, CancellationToken cancellationToken)
    {
        var singletons = _singletons;
        for (var i = 0; i < singletons.Length; i++)
        {
            // What the handler below reads, defined once: the JIT keeps such a local in a register, where a loop counter
            // read by an exception handler lives on the stack, stored and loaded again on every turn.
            var index = i;
            ValueTask running;
            try
            {
                running = index switch
                {
                    0 when singletons[0] is { } first => first(@event, cancellationToken),
                    1 when singletons[1] is { } second => second(@event, cancellationToken),
                    2 when singletons[2] is { } third => third(@event, cancellationToken),
                    _ => Call(index, @event, services, cancellationToken),
                };
            }
            catch (Exception exception)
            {
                // The handler threw before returning its task: record it, and go on with the next one.
                return PublishRestInSequence(@event, services, index, default, [(_handlers[index].ImplementationType, exception)], cancellationToken);
            }

            if (!running.IsCompletedSuccessfully)
            {
                return PublishRestInSequence(@event, services, index, running, null, cancellationToken);
            }

            // Completes the ValueTask's one consumption (a pooled source behind it is released).
            running.GetAwaiter().GetResult();
        }

        return default;
    }

    /// <summary>Awaits handler <paramref name="index"/>, then runs the handlers after it in order.</summary>
    private async ValueTask PublishRestInSequence(
        TEvent @event, IServiceProvider services, int index, ValueTask running, List<(Type, Exception)>? failures, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await running;
            }
            catch (Exception exception)
            {
                (failures ??= []).Add((_handlers[index].ImplementationType, exception));
            }

            if (++index == _handlers.Length)
            {
                break;
            }

            try
            {
                running = Call(index, @event, services, cancellationToken);
            }
            catch (Exception exception)
            {
                (failures ??= []).Add((_handlers[index].ImplementationType, exception));
                running = default;
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
                running[i] = (_handlers[i].ImplementationType, Call(i, @event, services, cancellationToken).AsTask(), null);
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

    /// <summary>Runs handler <paramref name="index"/>: resolving it may throw as well as running it.</summary>
    private ValueTask Call(int index, TEvent @event, IServiceProvider services, CancellationToken cancellationToken) =>
        _singletons[index] is { } singleton
            ? singleton(@event, cancellationToken)
            : ResolveAndCall(index, @event, services, cancellationToken);

    private ValueTask ResolveAndCall(int index, TEvent @event, IServiceProvider services, CancellationToken cancellationToken)
    {
        var registration = _handlers[index];
        if (registration.Lifetime != ServiceLifetime.Singleton)
        {
            return ((IEventHandler<TEvent>)ScopedResolution.Resolve(services, registration.ImplementationType)).HandleAsync(@event, cancellationToken);
        }

        // Benign race: every thread binds the same singleton instance.
        var handler = (IEventHandler<TEvent>)root.GetRequiredService(registration.ImplementationType);
        _singletons[index] = handler.HandleAsync;
        return handler.HandleAsync(@event, cancellationToken);
    }

    private static void ThrowIfAnyFailed(List<(Type, Exception)>? failures)
    {
        if (failures is not null)
        {
            throw new EventHandlerException(typeof(TEvent), failures);
        }
    }
}
