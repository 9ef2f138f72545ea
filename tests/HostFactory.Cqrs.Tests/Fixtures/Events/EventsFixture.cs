using HostFactory.Cqrs.Tests.Support;

namespace HostFactory.Cqrs.Tests.Fixtures.Events;

public sealed record MachineProvisioned(string MachineId) : IEvent;

/// <summary>An event nobody handles: publishing it does nothing.</summary>
public sealed record NobodyListens : IEvent;

/// <summary>A base event; handlers are chosen by the runtime type, so its own handler does not see derived events.</summary>
public abstract record MachineLifecycleEvent(string MachineId) : IEvent;

public sealed record MachineTerminated(string MachineId) : MachineLifecycleEvent(MachineId);

[EventHandler]
public sealed class InventoryHandler(Recorder recorder) : IEventHandler<MachineProvisioned>
{
    public async ValueTask HandleAsync(MachineProvisioned @event, CancellationToken cancellationToken)
    {
        recorder.Add("inventory>");
        await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        recorder.Add("<inventory");
    }
}

[EventHandler]
public sealed class BillingHandler(Recorder recorder) : IEventHandler<MachineProvisioned>
{
    public async ValueTask HandleAsync(MachineProvisioned @event, CancellationToken cancellationToken)
    {
        recorder.Add("billing>");
        await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        recorder.Add("<billing");
    }
}

[EventHandler]
public sealed class NotificationHandler(Recorder recorder) : IEventHandler<MachineProvisioned>
{
    public async ValueTask HandleAsync(MachineProvisioned @event, CancellationToken cancellationToken)
    {
        recorder.Add("notification>");
        await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        recorder.Add("<notification");
    }
}

[EventHandler]
public sealed class MachineTerminatedHandler(Recorder recorder) : IEventHandler<MachineTerminated>
{
    public ValueTask HandleAsync(MachineTerminated @event, CancellationToken cancellationToken)
    {
        recorder.Add($"terminated:{@event.MachineId}");
        return ValueTask.CompletedTask;
    }
}

[EventHandler]
public sealed class AnyLifecycleEventHandler(Recorder recorder) : IEventHandler<MachineLifecycleEvent>
{
    public ValueTask HandleAsync(MachineLifecycleEvent @event, CancellationToken cancellationToken)
    {
        recorder.Add($"lifecycle:{@event.MachineId}");
        return ValueTask.CompletedTask;
    }
}
