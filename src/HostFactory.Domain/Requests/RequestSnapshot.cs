using HostFactory.Domain.Machines;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Requests;

/// <summary>
/// Every field of a <see cref="Request"/> as plain values: what stores persist and what
/// <see cref="IRequestReader"/> returns. <see cref="Request.FromSnapshot"/> validates it.
/// </summary>
/// <param name="Id">The request id.</param>
/// <param name="Kind">Acquire or return; must match the id prefix.</param>
/// <param name="TemplateId">The template (acquire only).</param>
/// <param name="RequestedCount">Machines asked for (acquire) or returned (return).</param>
/// <param name="MachineIds">The machines of the request.</param>
/// <param name="Status">Its status.</param>
/// <param name="Message">Why it ended as it did, or empty.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="UpdatedAt">Last change time.</param>
/// <param name="CompletedAt">When it reached a final status.</param>
/// <param name="Deadline">When it may be timed out.</param>
/// <param name="SyncAttempts">How many syncs (or, while pending, recovery claims) were recorded.</param>
/// <param name="ProvisionAttempt">Acquire: the attempt number of the latest provision call's key; 0 for return requests.</param>
/// <param name="Version">The stored version (0 = never saved).</param>
public sealed record RequestSnapshot(
    RequestId Id,
    RequestKind Kind,
    TemplateId? TemplateId,
    int RequestedCount,
    IReadOnlyList<MachineId> MachineIds,
    RequestStatus Status,
    string Message,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset Deadline,
    int SyncAttempts,
    int ProvisionAttempt,
    long Version);
