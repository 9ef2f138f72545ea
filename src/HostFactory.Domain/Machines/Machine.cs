using System.Diagnostics.CodeAnalysis;
using HostFactory.Domain.Common;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Machines;

/// <summary>
/// A machine a provider made for an acquire request. Its <see cref="Status"/> follows what the
/// provider reports, within <see cref="MachineTransitions"/>; every change raises an event.
/// </summary>
public sealed class Machine : AggregateRoot<MachineId>
{
    private const string Entity = "Machine";

    // Validated before the base constructor runs, so a bad snapshot is always a DomainRuleViolationException.
    private Machine(MachineSnapshot state)
        : base(Validate(state).Id, state.Version)
    {
        ProviderName = state.ProviderName;
        ProviderMachineId = state.ProviderMachineId;
        HostName = state.HostName;
        PrivateIpAddress = state.PrivateIpAddress;
        PublicIpAddress = state.PublicIpAddress;
        LaunchTime = state.LaunchTime;
        TemplateId = state.TemplateId;
        RequestId = state.RequestId;
        ReturnRequestId = state.ReturnRequestId;
        Status = state.Status;
        Message = state.Message;
        ProviderData = new Dictionary<string, string>(state.ProviderData, StringComparer.Ordinal).AsReadOnly();
        InstanceType = state.InstanceType;
        PriceType = state.PriceType;
        CloudHostId = state.CloudHostId;
        Tags = new Dictionary<string, string>(state.Tags, StringComparer.Ordinal).AsReadOnly();
        CreatedAt = state.CreatedAt;
        UpdatedAt = state.UpdatedAt;
        ReportedMachineId = state.ReportedMachineId;
    }

    /// <summary>The provider instance that made the machine.</summary>
    public string ProviderName { get; }

    /// <summary>The provider's own id of the machine (instance id, pid…).</summary>
    public string ProviderMachineId { get; }

    /// <summary>The host name Host Factory knows the machine by; may be empty until the provider reports it.</summary>
    public string HostName { get; private set; }

    /// <summary>The private IP address; may be empty until the provider reports it.</summary>
    public string PrivateIpAddress { get; private set; }

    /// <summary>The public IP address, if any.</summary>
    public string? PublicIpAddress { get; private set; }

    /// <summary>When the provider launched the machine.</summary>
    public DateTimeOffset LaunchTime { get; }

    /// <summary>The template it was made from.</summary>
    public TemplateId TemplateId { get; }

    /// <summary>The acquire request it was made for.</summary>
    public RequestId RequestId { get; }

    /// <summary>The return request giving it back; null until <see cref="BeginReturn"/>.</summary>
    public RequestId? ReturnRequestId { get; private set; }

    /// <summary>What the provider last reported.</summary>
    public MachineStatus Status { get; private set; }

    /// <summary>What went wrong, or why it ended; empty by default.</summary>
    public string Message { get; private set; }

    /// <summary>Opaque data the provider needs later (e.g. pid and start time); only the provider reads it.</summary>
    public IReadOnlyDictionary<string, string> ProviderData { get; }

    /// <summary>The instance type, when the provider has one.</summary>
    public string? InstanceType { get; }

    /// <summary>The price type (e.g. on-demand, spot), when the provider has one.</summary>
    public string? PriceType { get; }

    /// <summary>The cloud's host id, when the provider has one.</summary>
    public string? CloudHostId { get; }

    /// <summary>Tags the provider put on the machine.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; }

    /// <summary>Which id Host Factory is told as the machine's <c>machineId</c>; its provider decided when it was made.</summary>
    public ReportedMachineId ReportedMachineId { get; }

    /// <summary>When we recorded the machine.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>When the machine last changed.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>True once a return request has taken the machine back (<see cref="ReturnRequestId"/> is set).</summary>
    public bool IsReturning => ReturnRequestId is not null;

    /// <summary>True unless Terminated or Failed: the machine counts against its template's limit.</summary>
    public bool IsActive => Status.IsActive;

    /// <summary>Records a machine the provider made and raises <see cref="MachineProvisioned"/>.</summary>
    /// <param name="id">Our id for it.</param>
    /// <param name="requestId">The acquire request it was made for.</param>
    /// <param name="templateId">The template it was made from.</param>
    /// <param name="providerName">The provider instance that made it.</param>
    /// <param name="provisioned">What the provider reported.</param>
    /// <param name="clock">The source of the creation time.</param>
    /// <param name="reportedMachineId">Which id Host Factory will be told (the provider's <see cref="IMachineProvider.ReportedMachineId"/>).</param>
    /// <exception cref="ArgumentNullException">A reference argument is null.</exception>
    /// <exception cref="DomainRuleViolationException">
    /// An id is default, the request is not an acquire request, the provider name breaks the
    /// name rule, or the provider's report lacks its id or data.
    /// </exception>
    public static Machine Provision(
        MachineId id,
        RequestId requestId,
        TemplateId templateId,
        string providerName,
        ProvisionedMachine provisioned,
        TimeProvider clock,
        ReportedMachineId reportedMachineId = ReportedMachineId.OurId)
    {
        ArgumentNullException.ThrowIfNull(provisioned);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow();
        var machine = new Machine(new MachineSnapshot(
            id, providerName, provisioned.ProviderMachineId, provisioned.HostName, provisioned.PrivateIpAddress,
            provisioned.PublicIpAddress, provisioned.LaunchTime, templateId, requestId, ReturnRequestId: null,
            provisioned.Status, Message: string.Empty, provisioned.ProviderData, provisioned.InstanceType,
            provisioned.PriceType, provisioned.CloudHostId, provisioned.Tags ?? new Dictionary<string, string>(),
            now, now, Version: 0, reportedMachineId));
        machine.Raise(new MachineProvisioned(
            id, requestId, templateId, machine.ProviderName, machine.ProviderMachineId, machine.HostName, machine.Status, now));
        return machine;
    }

    /// <summary>Rebuilds a machine from what a store saved; raises nothing.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="snapshot"/> is null.</exception>
    /// <exception cref="DomainRuleViolationException">The snapshot is inconsistent.</exception>
    public static Machine FromSnapshot(MachineSnapshot snapshot) => new(snapshot);

    /// <summary>Every field as plain values, for stores and readers. Never throws.</summary>
    public MachineSnapshot ToSnapshot() =>
        new(Id, ProviderName, ProviderMachineId, HostName, PrivateIpAddress, PublicIpAddress, LaunchTime,
            TemplateId, RequestId, ReturnRequestId, Status, Message, ProviderData, InstanceType, PriceType,
            CloudHostId, Tags, CreatedAt, UpdatedAt, Version, ReportedMachineId);

    /// <summary>What the provider needs to know about this machine. Never throws.</summary>
    public ProviderMachine ToProviderMachine() => new(Id, ProviderMachineId, HostName, ProviderData);

    /// <summary>
    /// Follows what the provider observed (used by sync). Nothing happens when the status is
    /// unchanged; otherwise raises <see cref="MachineStatusChanged"/> (and <see cref="MachineReturned"/>
    /// on termination while returning).
    /// </summary>
    /// <param name="observed">The status the provider reports.</param>
    /// <param name="message">What the provider said; null keeps the current message.</param>
    /// <param name="clock">The source of the change time.</param>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="InvalidStateTransitionException">The transition table does not allow the move.</exception>
    public void ApplyProviderStatus(MachineStatus observed, string? message, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (observed != Status)
        {
            MoveTo(observed, message ?? Message, clock);
        }
    }

    /// <summary>
    /// The machine is up and usable: → Running with an empty message, taking any host name or
    /// addresses given (null or empty keeps the current value). On a machine already running it
    /// only updates the addresses.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="InvalidStateTransitionException">The transition table does not allow the move; nothing changes then.</exception>
    public void MarkRunning(string? hostName, string? privateIpAddress, string? publicIpAddress, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var becomesRunning = Status != MachineStatus.Running;
        if (becomesRunning)
        {
            EnsureCanMoveTo(MachineStatus.Running);
        }

        var newHostName = string.IsNullOrEmpty(hostName) ? HostName : hostName;
        var newPrivateIp = string.IsNullOrEmpty(privateIpAddress) ? PrivateIpAddress : privateIpAddress;
        var newPublicIp = string.IsNullOrEmpty(publicIpAddress) ? PublicIpAddress : publicIpAddress;
        var addressesChanged = newHostName != HostName || newPrivateIp != PrivateIpAddress || newPublicIp != PublicIpAddress;
        HostName = newHostName;
        PrivateIpAddress = newPrivateIp;
        PublicIpAddress = newPublicIp;
        if (becomesRunning)
        {
            MoveTo(MachineStatus.Running, string.Empty, clock);
        }
        else if (addressesChanged)
        {
            UpdatedAt = clock.GetUtcNow();
        }
    }

    /// <summary>The machine can never become usable: → Failed with <paramref name="message"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="DomainRuleViolationException"><paramref name="message"/> is blank.</exception>
    /// <exception cref="InvalidStateTransitionException">The transition table does not allow the move.</exception>
    public void MarkFailed(string message, TimeProvider clock) => MoveTo(MachineStatus.Failed, RequireMessage(message), clock);

    /// <summary>
    /// Hands the machine to a return request and raises <see cref="MachineReturnStarted"/>. The
    /// status is untouched: it follows the provider as the release proceeds.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="DomainRuleViolationException"><paramref name="returnRequestId"/> is not a return (<c>ret-</c>) id.</exception>
    /// <exception cref="InvalidStateTransitionException">The machine is already returning, or terminated.</exception>
    public void BeginReturn(RequestId returnRequestId, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (returnRequestId.Value is null || returnRequestId.Kind != RequestKind.Return)
        {
            throw new DomainRuleViolationException($"Machine '{Id}' can only be returned by a return ('ret-') request, not '{returnRequestId}'.");
        }

        var attempted = $"returning by {returnRequestId}";
        if (ReturnRequestId is { } current)
        {
            throw new InvalidStateTransitionException(Entity, Id.ToString(), $"returning by {current}", attempted);
        }

        if (Status == MachineStatus.Terminated)
        {
            throw new InvalidStateTransitionException(Entity, Id.ToString(), MachineStatusWords.ToWord(Status), attempted);
        }

        ReturnRequestId = returnRequestId;
        UpdatedAt = clock.GetUtcNow();
        Raise(new MachineReturnStarted(Id, returnRequestId, UpdatedAt));
    }

    /// <summary>
    /// The provider refused to release the machine: it is no longer returning (<see cref="ReturnRequestId"/>
    /// is cleared, so a later return may take it again), keeps its status, carries <paramref name="reason"/>
    /// as its message, and raises <see cref="MachineReturnAbandoned"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="DomainRuleViolationException"><paramref name="reason"/> is blank.</exception>
    /// <exception cref="InvalidStateTransitionException">The machine is not returning, or is already terminated.</exception>
    public void AbandonReturn(string reason, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var message = RequireMessage(reason);
        if (ReturnRequestId is not { } returnRequestId || Status == MachineStatus.Terminated)
        {
            var current = Status == MachineStatus.Terminated ? MachineStatusWords.ToWord(Status) : "not returning";
            throw new InvalidStateTransitionException(Entity, Id.ToString(), current, "return abandoned");
        }

        ReturnRequestId = null;
        Message = message;
        UpdatedAt = clock.GetUtcNow();
        Raise(new MachineReturnAbandoned(Id, returnRequestId, message, UpdatedAt));
    }

    /// <summary>The machine is gone: → Terminated; raises <see cref="MachineReturned"/> too when it was returning.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="InvalidStateTransitionException">The machine is already terminated.</exception>
    public void MarkTerminated(TimeProvider clock) => MoveTo(MachineStatus.Terminated, Message, clock);

    /// <summary>The provider took the machine back on its own: → Terminated with <paramref name="reason"/> as message.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="DomainRuleViolationException"><paramref name="reason"/> is blank.</exception>
    /// <exception cref="InvalidStateTransitionException">The machine is already terminated.</exception>
    public void MarkReclaimed(string reason, TimeProvider clock) => MoveTo(MachineStatus.Terminated, RequireMessage(reason), clock);

    private void EnsureCanMoveTo(MachineStatus target)
    {
        if (!MachineTransitions.IsAllowed(Status, target))
        {
            throw new InvalidStateTransitionException(Entity, Id.ToString(), MachineStatusWords.ToWord(Status), MachineStatusWords.ToWord(target));
        }
    }

    private void MoveTo(MachineStatus target, string message, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        EnsureCanMoveTo(target);
        var from = Status;
        var now = clock.GetUtcNow();
        Status = target;
        Message = message;
        UpdatedAt = now;
        Raise(new MachineStatusChanged(Id, from, target, message, now));
        if (target == MachineStatus.Terminated && ReturnRequestId is { } returnRequestId)
        {
            Raise(new MachineReturned(Id, returnRequestId, now));
        }
    }

    private static string RequireMessage(string message) =>
        string.IsNullOrWhiteSpace(message)
            ? throw new DomainRuleViolationException("A failed, reclaimed or unreleased machine needs a message saying why.")
            : message;

    private static MachineSnapshot Validate(MachineSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        void Check([DoesNotReturnIf(false)] bool rule, string why)
        {
            if (!rule)
            {
                throw new DomainRuleViolationException($"Machine '{s.Id}' is invalid: {why}.");
            }
        }

        Check(s.Id.Value is not null, "default(MachineId) is not an id");
        Check(IdentifierRules.IsValidName(s.ProviderName), $"provider name '{s.ProviderName}' is not {IdentifierRules.NameRule}");
        Check(!string.IsNullOrWhiteSpace(s.ProviderMachineId), "it needs the provider's machine id");
        Check(s.HostName is not null && s.PrivateIpAddress is not null && s.Message is not null, "host name, private IP address and message must not be null");
        Check(s.ProviderData is not null && s.Tags is not null, "provider data and tags must not be null");
        Check(s.TemplateId.Value is not null, "it needs a template id");
        Check(s.RequestId.Value is not null && s.RequestId.Kind == RequestKind.Acquire, $"it must belong to an acquire ('req-') request, not '{s.RequestId}'");
        Check(s.ReturnRequestId is not { } ret || (ret.Value is not null && ret.Kind == RequestKind.Return), $"its return request must be a 'ret-' request, not '{s.ReturnRequestId}'");
        Check(Enum.IsDefined(s.Status), $"status {(int)s.Status} is not defined");
        Check(Enum.IsDefined(s.ReportedMachineId), $"reported machine id kind {(int)s.ReportedMachineId} is not defined");
        Check(s.UpdatedAt >= s.CreatedAt, "its last update must not precede its creation");
        Check(s.Version >= 0, "its version must not be negative");
        return s;
    }
}
