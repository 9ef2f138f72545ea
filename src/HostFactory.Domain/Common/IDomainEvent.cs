namespace HostFactory.Domain.Common;

/// <summary>
/// Something that happened to an aggregate. Aggregates collect events while they change;
/// whoever saves the aggregate dequeues and publishes them.
/// </summary>
public interface IDomainEvent
{
    /// <summary>When the change happened, taken from the clock passed to the intent method.</summary>
    DateTimeOffset OccurredAt { get; }
}
