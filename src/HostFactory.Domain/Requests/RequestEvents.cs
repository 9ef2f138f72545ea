using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Requests;

/// <summary>A request was made.</summary>
/// <param name="RequestId">The new request.</param>
/// <param name="Kind">Acquire or return.</param>
/// <param name="TemplateId">The template (acquire only).</param>
/// <param name="RequestedCount">Machines asked for or returned.</param>
/// <param name="MachineIds">The machines returned (empty for acquire).</param>
/// <param name="Deadline">When it may be timed out.</param>
/// <param name="OccurredAt">When it was made.</param>
public sealed record RequestCreated(
    RequestId RequestId,
    RequestKind Kind,
    TemplateId? TemplateId,
    int RequestedCount,
    IReadOnlyList<MachineId> MachineIds,
    DateTimeOffset Deadline,
    DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A request moved from one status to another.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="From">The status it left.</param>
/// <param name="To">The status it entered.</param>
/// <param name="Message">Its message after the move.</param>
/// <param name="OccurredAt">When it moved.</param>
public sealed record RequestStatusChanged(RequestId RequestId, RequestStatus From, RequestStatus To, string Message, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A request reached a final status.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="Status">The final status.</param>
/// <param name="Message">Why it ended as it did, or empty.</param>
/// <param name="OccurredAt">When it finished.</param>
public sealed record RequestCompleted(RequestId RequestId, RequestStatus Status, string Message, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>Machines made by the provider were recorded on an acquire request.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="MachineIds">The machines added by this change.</param>
/// <param name="OccurredAt">When they were added.</param>
public sealed record RequestMachinesAdded(RequestId RequestId, IReadOnlyList<MachineId> MachineIds, DateTimeOffset OccurredAt) : IDomainEvent;
