using HostFactory.Cqrs;

namespace HostFactory.Testing;

/// <summary>The events published through the bus, in order. Thread-safe.</summary>
public sealed class PublishedEvents
{
    private readonly Lock _lock = new();
    private readonly List<IEvent> _events = [];

    /// <summary>Every event published so far.</summary>
    public IReadOnlyList<IEvent> All
    {
        get
        {
            lock (_lock)
            {
                return _events.ToArray();
            }
        }
    }

    /// <summary>Forgets what was recorded so far (e.g. after a test's set-up).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _events.Clear();
        }
    }

    internal void Add(IEvent @event)
    {
        lock (_lock)
        {
            _events.Add(@event);
        }
    }
}

/// <summary>Records each event, then passes it on to the real bus.</summary>
internal sealed class RecordingEventBus(IEventBus inner, PublishedEvents recorded) : IEventBus
{
    public ValueTask PublishAsync(IEvent @event, CancellationToken cancellationToken = default)
    {
        recorded.Add(@event);
        return inner.PublishAsync(@event, cancellationToken);
    }
}
