using HostFactory.Cqrs.Tests.Support;

namespace HostFactory.Cqrs.Tests.Fixtures.ParallelEvents;

/// <summary>Both handlers wait at <paramref name="Rendezvous"/>; they get through only if they run at the same time.</summary>
public sealed record CapacityChanged(Rendezvous Rendezvous) : IEvent;

[EventHandler]
public sealed class FirstCapacityHandler : IEventHandler<CapacityChanged>
{
    public async ValueTask HandleAsync(CapacityChanged @event, CancellationToken cancellationToken) =>
        await @event.Rendezvous.ArriveAndWaitAsync(cancellationToken);
}

[EventHandler]
public sealed class SecondCapacityHandler : IEventHandler<CapacityChanged>
{
    public async ValueTask HandleAsync(CapacityChanged @event, CancellationToken cancellationToken) =>
        await @event.Rendezvous.ArriveAndWaitAsync(cancellationToken);
}
