using HostFactory.Domain.Common;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Common;

/// <summary>
/// An operation was refused for an expected reason (unknown template, over capacity, …) before it changed anything.
/// Edges catch this one type and turn its message into the protocol's <c>message</c>, a CLI line or a ProblemDetails.
/// </summary>
public abstract class OperationRefusedException : Exception
{
    /// <summary>Creates the exception with a message an operator can act on.</summary>
    /// <param name="message">Why the operation was refused.</param>
    protected OperationRefusedException(string message)
        : base(message)
    {
    }
}

/// <summary>No template has the id the caller named.</summary>
public sealed class TemplateNotFoundException : OperationRefusedException
{
    /// <summary>Creates the exception naming the template.</summary>
    /// <param name="templateId">The id asked for.</param>
    public TemplateNotFoundException(TemplateId templateId)
        : base($"Template '{templateId}' does not exist.") => TemplateId = templateId;

    /// <summary>The id asked for.</summary>
    public TemplateId TemplateId { get; }
}

/// <summary>A template with that id already exists, so it cannot be created.</summary>
public sealed class TemplateAlreadyExistsException : OperationRefusedException
{
    /// <summary>Creates the exception naming the template.</summary>
    /// <param name="templateId">The id that is taken.</param>
    public TemplateAlreadyExistsException(TemplateId templateId)
        : base($"Template '{templateId}' already exists; update it instead.") => TemplateId = templateId;

    /// <summary>The id that is taken.</summary>
    public TemplateId TemplateId { get; }
}

/// <summary>The template is disabled and accepts no requests.</summary>
public sealed class TemplateDisabledException : OperationRefusedException
{
    /// <summary>Creates the exception naming the template.</summary>
    /// <param name="templateId">The disabled template.</param>
    public TemplateDisabledException(TemplateId templateId)
        : base($"Template '{templateId}' is disabled and accepts no requests.") => TemplateId = templateId;

    /// <summary>The disabled template.</summary>
    public TemplateId TemplateId { get; }
}

/// <summary>The template still has active machines, so it cannot be deleted.</summary>
public sealed class TemplateInUseException : OperationRefusedException
{
    /// <summary>Creates the exception naming the template and how many machines use it.</summary>
    /// <param name="templateId">The template.</param>
    /// <param name="activeMachines">Its machines that are neither terminated nor failed.</param>
    public TemplateInUseException(TemplateId templateId, int activeMachines)
        : base($"Template '{templateId}' cannot be deleted: {activeMachines} active machine(s) still use it. Return them first.")
    {
        TemplateId = templateId;
        ActiveMachines = activeMachines;
    }

    /// <summary>The template.</summary>
    public TemplateId TemplateId { get; }

    /// <summary>Its machines that are neither terminated nor failed.</summary>
    public int ActiveMachines { get; }
}

/// <summary>More machines were asked for than the template's <c>maxNumber</c> still allows.</summary>
public sealed class CapacityExceededException : OperationRefusedException
{
    /// <summary>Creates the exception with every number involved.</summary>
    /// <param name="templateId">The template.</param>
    /// <param name="requested">Machines asked for.</param>
    /// <param name="maxNumber">The template's limit.</param>
    /// <param name="activeMachines">Its machines that are active now.</param>
    /// <param name="pendingMachines">Machines that pending requests of the template asked for and do not have yet.</param>
    public CapacityExceededException(TemplateId templateId, int requested, int maxNumber, int activeMachines, int pendingMachines = 0)
        : base($"Template '{templateId}' allows {maxNumber} machine(s) and {activeMachines} are active"
            + (pendingMachines > 0 ? $", {pendingMachines} more are being made for pending requests" : string.Empty)
            + $": {Math.Max(0, maxNumber - activeMachines - pendingMachines)} more can be provisioned, not {requested}.")
    {
        TemplateId = templateId;
        Requested = requested;
        MaxNumber = maxNumber;
        ActiveMachines = activeMachines;
        PendingMachines = pendingMachines;
    }

    /// <summary>The template.</summary>
    public TemplateId TemplateId { get; }

    /// <summary>Machines asked for.</summary>
    public int Requested { get; }

    /// <summary>The template's limit.</summary>
    public int MaxNumber { get; }

    /// <summary>Its machines that were active.</summary>
    public int ActiveMachines { get; }

    /// <summary>Machines that pending requests of the template had asked for and did not have yet.</summary>
    public int PendingMachines { get; }
}

/// <summary>No request has the id the caller named.</summary>
public sealed class RequestNotFoundException : OperationRefusedException
{
    /// <summary>Creates the exception naming the request.</summary>
    /// <param name="requestId">The id asked for.</param>
    public RequestNotFoundException(RequestId requestId)
        : base($"Request '{requestId}' does not exist.") => RequestId = requestId;

    /// <summary>The id asked for.</summary>
    public RequestId RequestId { get; }
}

/// <summary>No machine has the id the caller named.</summary>
public sealed class MachineNotFoundException : OperationRefusedException
{
    /// <summary>Creates the exception naming the machine.</summary>
    /// <param name="machineId">The id asked for, as given.</param>
    public MachineNotFoundException(string machineId)
        : base($"Machine '{machineId}' does not exist.") => MachineId = machineId;

    /// <summary>The id asked for, as given.</summary>
    public string MachineId { get; }
}

/// <summary>The request cannot be cancelled: it has already finished.</summary>
public sealed class RequestNotCancellableException : OperationRefusedException
{
    /// <summary>Creates the exception naming the request and its status.</summary>
    /// <param name="requestId">The request.</param>
    /// <param name="status">Its final status.</param>
    public RequestNotCancellableException(RequestId requestId, RequestStatus status)
        : base($"Request '{requestId}' is already {RequestStatusWords.ToWord(status)} and cannot be cancelled.")
    {
        RequestId = requestId;
        Status = status;
    }

    /// <summary>The request.</summary>
    public RequestId RequestId { get; }

    /// <summary>Its status when the cancel was refused.</summary>
    public RequestStatus Status { get; }
}

/// <summary>
/// A change kept meeting concurrency conflicts: each time it was reloaded and applied again, another process had
/// saved the same aggregate first. Thrown after <see cref="ApplicationOptions.ConcurrencyRetryCount"/> re-runs;
/// <see cref="Exception.InnerException"/> is the last <see cref="ConcurrencyException"/>.
/// </summary>
public sealed class ConcurrencyRetryExhaustedException : Exception
{
    /// <summary>Creates the exception naming the operation, the entity and the attempts.</summary>
    /// <param name="operation">What was being done, e.g. <c>CreateTemplate</c>.</param>
    /// <param name="attempts">How many times it was tried.</param>
    /// <param name="lastConflict">The last conflict met.</param>
    public ConcurrencyRetryExhaustedException(string operation, int attempts, ConcurrencyException lastConflict)
        : base($"{lastConflict.Entity} '{lastConflict.Id}' kept being changed by another process while {operation} ran; "
            + $"gave up after {attempts} attempt(s). Try again. Last conflict: {lastConflict.Message}", lastConflict)
    {
        Operation = operation;
        Attempts = attempts;
        Entity = lastConflict.Entity;
        EntityId = lastConflict.Id;
    }

    /// <summary>What was being done.</summary>
    public string Operation { get; }

    /// <summary>How many times it was tried.</summary>
    public int Attempts { get; }

    /// <summary>The kind of aggregate that kept changing, e.g. <c>Request</c>.</summary>
    public string Entity { get; }

    /// <summary>Its id as text.</summary>
    public string EntityId { get; }
}
