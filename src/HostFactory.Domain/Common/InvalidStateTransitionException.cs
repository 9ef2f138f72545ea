namespace HostFactory.Domain.Common;

/// <summary>
/// An intent method asked an aggregate to move to a state its transition table does not allow
/// from its current state, e.g. <c>Request 'req-…' cannot move from 'completed' to 'provisioning'.</c>
/// </summary>
public sealed class InvalidStateTransitionException : DomainException
{
    /// <summary>Creates the exception; the message names all four values.</summary>
    /// <param name="entity">The kind of aggregate, e.g. <c>Request</c>.</param>
    /// <param name="id">The aggregate id as text.</param>
    /// <param name="current">The state it is in (a status word).</param>
    /// <param name="attempted">The state it was asked to enter (a status word).</param>
    public InvalidStateTransitionException(string entity, string id, string current, string attempted)
        : base($"{entity} '{id}' cannot move from '{current}' to '{attempted}'.")
    {
        Entity = entity;
        Id = id;
        Current = current;
        Attempted = attempted;
    }

    /// <summary>The kind of aggregate, e.g. <c>Request</c> or <c>Machine</c>.</summary>
    public string Entity { get; }

    /// <summary>The id of the aggregate as text.</summary>
    public string Id { get; }

    /// <summary>The state the aggregate is in.</summary>
    public string Current { get; }

    /// <summary>The state the aggregate was asked to enter.</summary>
    public string Attempted { get; }
}
