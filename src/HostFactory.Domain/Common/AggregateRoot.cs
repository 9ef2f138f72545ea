namespace HostFactory.Domain.Common;

/// <summary>
/// Base of every aggregate: an identity, an optimistic-concurrency version and the domain
/// events raised since the aggregate was last dequeued.
/// </summary>
/// <typeparam name="TId">The strongly typed id of the aggregate.</typeparam>
public abstract class AggregateRoot<TId>
    where TId : notnull
{
    private readonly List<IDomainEvent> _domainEvents = [];

    /// <summary>Creates the root with its id and the version it was loaded at (0 = never saved).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is negative.</exception>
    protected AggregateRoot(TId id, long version)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        Id = id;
        Version = version;
    }

    /// <summary>The identity of the aggregate; never changes.</summary>
    public TId Id { get; }

    /// <summary>
    /// The version the store last saved (0 = never saved). Stores compare it with the stored
    /// version to detect concurrent changes.
    /// </summary>
    public long Version { get; private set; }

    /// <summary>The events raised since the last <see cref="DequeueEvents"/>, oldest first.</summary>
    public IReadOnlyList<IDomainEvent> DomainEvents => _domainEvents;

    /// <summary>Records an event; called by the intent methods of the aggregate.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="domainEvent"/> is null.</exception>
    protected void Raise(IDomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        _domainEvents.Add(domainEvent);
    }

    /// <summary>Returns the pending events, oldest first, and clears them. Never throws.</summary>
    public IReadOnlyList<IDomainEvent> DequeueEvents()
    {
        var events = _domainEvents.ToArray();
        _domainEvents.Clear();
        return events;
    }

    /// <summary>
    /// Records the version a store has just written. Only stores call this, after a successful
    /// save; everyone else treats <see cref="Version"/> as read-only. Pending events are left for
    /// <see cref="DequeueEvents"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="newVersion"/> is not greater than the current <see cref="Version"/>.
    /// </exception>
    public void MarkPersisted(long newVersion)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(newVersion, Version);
        Version = newVersion;
    }
}
