using HostFactory.Domain.Common;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Machines;

/// <summary>A machine the provider made was recorded.</summary>
/// <param name="MachineId">Our id of the machine.</param>
/// <param name="RequestId">The acquire request it was made for.</param>
/// <param name="TemplateId">The template it was made from.</param>
/// <param name="ProviderName">The provider instance that made it.</param>
/// <param name="ProviderMachineId">The provider's own id.</param>
/// <param name="HostName">Its host name (may be empty).</param>
/// <param name="Status">Its status when recorded.</param>
/// <param name="OccurredAt">When it was recorded.</param>
public sealed record MachineProvisioned(
    MachineId MachineId,
    RequestId RequestId,
    TemplateId TemplateId,
    string ProviderName,
    string ProviderMachineId,
    string HostName,
    MachineStatus Status,
    DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A machine moved from one status to another.</summary>
/// <param name="MachineId">The machine.</param>
/// <param name="From">The status it left.</param>
/// <param name="To">The status it entered.</param>
/// <param name="Message">Its message after the move.</param>
/// <param name="OccurredAt">When it moved.</param>
public sealed record MachineStatusChanged(MachineId MachineId, MachineStatus From, MachineStatus To, string Message, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A machine was handed to a return request.</summary>
/// <param name="MachineId">The machine.</param>
/// <param name="ReturnRequestId">The return request.</param>
/// <param name="OccurredAt">When it was handed over.</param>
public sealed record MachineReturnStarted(MachineId MachineId, RequestId ReturnRequestId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A returning machine reached Terminated: the return of this machine is done.</summary>
/// <param name="MachineId">The machine.</param>
/// <param name="ReturnRequestId">The return request that gave it back.</param>
/// <param name="OccurredAt">When it terminated.</param>
public sealed record MachineReturned(MachineId MachineId, RequestId ReturnRequestId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>
/// The provider refused to release a returning machine: it is no longer returning and may be
/// returned again; the return request that held it counts it as failed.
/// </summary>
/// <param name="MachineId">The machine.</param>
/// <param name="ReturnRequestId">The return request that could not release it.</param>
/// <param name="Reason">What the provider said.</param>
/// <param name="OccurredAt">When the return was abandoned.</param>
public sealed record MachineReturnAbandoned(MachineId MachineId, RequestId ReturnRequestId, string Reason, DateTimeOffset OccurredAt) : IDomainEvent;
