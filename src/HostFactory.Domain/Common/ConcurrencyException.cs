namespace HostFactory.Domain.Common;

/// <summary>
/// A store refused a save or delete because the stored aggregate is not at the version the
/// caller loaded: someone else changed (or created, or deleted) it in between. Reload and retry.
/// </summary>
public sealed class ConcurrencyException : DomainException
{
    /// <summary>Creates the exception; the message names the entity, its id and both versions.</summary>
    /// <param name="entity">The kind of aggregate, e.g. <c>Request</c>.</param>
    /// <param name="id">The aggregate id as text.</param>
    /// <param name="expectedVersion">The version the caller loaded (0 = it expected no stored copy).</param>
    /// <param name="actualVersion">The version found in the store (0 = none stored).</param>
    public ConcurrencyException(string entity, string id, long expectedVersion, long actualVersion)
        : base($"{entity} '{id}' was changed by someone else: expected version {expectedVersion}, found {actualVersion}.")
    {
        Entity = entity;
        Id = id;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>The kind of aggregate.</summary>
    public string Entity { get; }

    /// <summary>The id of the aggregate as text.</summary>
    public string Id { get; }

    /// <summary>The version the caller loaded.</summary>
    public long ExpectedVersion { get; }

    /// <summary>The version found in the store.</summary>
    public long ActualVersion { get; }
}
