using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests.Fixtures.MixedEvents;

// Singleton handlers that finish in every way a ValueTask can: at once, by throwing, by returning a faulted task, and
// after waiting. Two of them wait, so whatever order the scan finds them in, some handler runs after one that waited.

public sealed record StorageFilled(string Volume) : IEvent;

/// <summary>Only handlers that finish without waiting, one of them by throwing.</summary>
public sealed record StorageEmptied(string Volume) : IEvent;

public sealed class StorageAlarmException(string message) : Exception(message);

[EventHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class RecordsAtOnce(Recorder recorder) : IEventHandler<StorageFilled>, IEventHandler<StorageEmptied>
{
    public ValueTask HandleAsync(StorageFilled @event, CancellationToken cancellationToken)
    {
        recorder.Add("at once");
        return ValueTask.CompletedTask;
    }

    public ValueTask HandleAsync(StorageEmptied @event, CancellationToken cancellationToken)
    {
        recorder.Add("emptied at once");
        return ValueTask.CompletedTask;
    }
}

[EventHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class ThrowsBeforeReturning(Recorder recorder) : IEventHandler<StorageFilled>, IEventHandler<StorageEmptied>
{
    public ValueTask HandleAsync(StorageFilled @event, CancellationToken cancellationToken)
    {
        recorder.Add("throws");
        throw recorder.Throwing(new StorageAlarmException("thrown before returning"));
    }

    public ValueTask HandleAsync(StorageEmptied @event, CancellationToken cancellationToken)
    {
        recorder.Add("emptied throws");
        throw recorder.Throwing(new StorageAlarmException("emptied: thrown before returning"));
    }
}

[EventHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class ReturnsFaultedTask(Recorder recorder) : IEventHandler<StorageFilled>
{
    public ValueTask HandleAsync(StorageFilled @event, CancellationToken cancellationToken)
    {
        recorder.Add("faulted");
        return ValueTask.FromException(recorder.Throwing(new StorageAlarmException("returned faulted")));
    }
}

[EventHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class RecordsAfterWaiting(Recorder recorder) : IEventHandler<StorageFilled>
{
    public async ValueTask HandleAsync(StorageFilled @event, CancellationToken cancellationToken)
    {
        await Task.Yield();
        recorder.Add("after waiting");
    }
}

[EventHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class FailsAfterWaiting(Recorder recorder) : IEventHandler<StorageFilled>
{
    public async ValueTask HandleAsync(StorageFilled @event, CancellationToken cancellationToken)
    {
        await Task.Yield();
        recorder.Add("fails after waiting");
        throw recorder.Throwing(new StorageAlarmException("failed after waiting"));
    }
}

/// <summary>More handlers than the bus calls from call sites of their own, all finishing without waiting, one by throwing.</summary>
public sealed record StorageChecked(string Volume) : IEvent;

[EventHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class ChecksQuota(Recorder recorder) : IEventHandler<StorageChecked>
{
    public ValueTask HandleAsync(StorageChecked @event, CancellationToken cancellationToken)
    {
        recorder.Add("quota");
        return ValueTask.CompletedTask;
    }
}

[EventHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class ChecksInodes(Recorder recorder) : IEventHandler<StorageChecked>
{
    public ValueTask HandleAsync(StorageChecked @event, CancellationToken cancellationToken)
    {
        recorder.Add("inodes");
        return ValueTask.CompletedTask;
    }
}

[EventHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class ChecksMounts(Recorder recorder) : IEventHandler<StorageChecked>
{
    public ValueTask HandleAsync(StorageChecked @event, CancellationToken cancellationToken)
    {
        recorder.Add("mounts");
        return ValueTask.CompletedTask;
    }
}

[EventHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class ChecksSpeed(Recorder recorder) : IEventHandler<StorageChecked>
{
    public ValueTask HandleAsync(StorageChecked @event, CancellationToken cancellationToken)
    {
        recorder.Add("speed");
        return ValueTask.CompletedTask;
    }
}

[EventHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class ChecksHealth(Recorder recorder) : IEventHandler<StorageChecked>
{
    public ValueTask HandleAsync(StorageChecked @event, CancellationToken cancellationToken)
    {
        recorder.Add("health");
        throw recorder.Throwing(new StorageAlarmException("unhealthy"));
    }
}
