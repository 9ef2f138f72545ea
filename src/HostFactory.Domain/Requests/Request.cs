using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Requests;

/// <summary>
/// One Host Factory request: acquire machines from a template, or return machines. It moves
/// through <see cref="RequestTransitions"/> only by its intent methods, each raising
/// <see cref="RequestStatusChanged"/>, plus <see cref="RequestCompleted"/> on reaching a final status.
/// </summary>
public sealed class Request : AggregateRoot<RequestId>
{
    private const string Entity = "Request";

    private readonly List<MachineId> _machineIds;

    // Validated before the base constructor runs, so a bad snapshot is always a DomainRuleViolationException.
    private Request(RequestSnapshot state)
        : base(Validate(state).Id, state.Version)
    {
        TemplateId = state.TemplateId;
        RequestedCount = state.RequestedCount;
        _machineIds = [.. state.MachineIds];
        Status = state.Status;
        Message = state.Message;
        CreatedAt = state.CreatedAt;
        UpdatedAt = state.UpdatedAt;
        CompletedAt = state.CompletedAt;
        Deadline = state.Deadline;
        SyncAttempts = state.SyncAttempts;
        ProvisionAttempt = state.ProvisionAttempt;
    }

    /// <summary>Acquire or return, as told by the id's prefix.</summary>
    public RequestKind Kind => Id.Kind;

    /// <summary>The template machines are acquired from; null for return requests.</summary>
    public TemplateId? TemplateId { get; }

    /// <summary>Acquire: how many machines were asked for (at least 1). Return: how many machines are returned.</summary>
    public int RequestedCount { get; }

    /// <summary>Acquire: the machines made so far. Return: the machines being returned. No duplicates.</summary>
    public IReadOnlyList<MachineId> MachineIds => _machineIds;

    /// <summary>Where the request is in its life.</summary>
    public RequestStatus Status { get; private set; }

    /// <summary>Why the request ended as it did; empty unless something needs saying.</summary>
    public string Message { get; private set; }

    /// <summary>When the request was made.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>When the request last changed.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>When the request reached a final status; null until then.</summary>
    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>CreatedAt plus the timeout: after this the request may be timed out.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>How many times the request was synchronised with the provider (see <see cref="RecordSync"/>).</summary>
    public int SyncAttempts { get; private set; }

    /// <summary>
    /// Acquire: the attempt number of the latest provision call made (or being made) for the request, the
    /// <see cref="ProvisionKey.Attempt"/> of <see cref="ProvisionKey"/>. 0 until a recovery has to make more machines
    /// than an interrupted call made (see <see cref="ClaimForRecovery"/>). Always 0 for return requests.
    /// </summary>
    public int ProvisionAttempt { get; private set; }

    /// <summary>Acquire: the idempotency key of the latest provision call for the request.</summary>
    /// <exception cref="InvalidOperationException">This is a return request.</exception>
    public ProvisionKey ProvisionKey => Kind == RequestKind.Acquire
        ? new ProvisionKey(Id, ProvisionAttempt)
        : throw new InvalidOperationException($"Request '{Id}' is a return request: only acquire requests provision.");

    /// <summary>True once the request is in a final status.</summary>
    public bool IsFinished => Status.IsFinished;

    /// <summary>Creates a pending acquire request with a new <c>req-</c> id and raises <see cref="RequestCreated"/>.</summary>
    /// <param name="templateId">The template to acquire from.</param>
    /// <param name="count">How many machines; at least 1.</param>
    /// <param name="timeout">How long the request may take; positive.</param>
    /// <param name="clock">The source of the creation time.</param>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="DomainRuleViolationException">The template id is default, the count is below 1 or the timeout is not positive.</exception>
    public static Request CreateAcquire(TemplateId templateId, int count, TimeSpan timeout, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (count < 1)
        {
            throw new DomainRuleViolationException($"machineCount must be at least 1, was {count}.");
        }

        return Create(RequestId.NewAcquire(), templateId, count, [], timeout, clock);
    }

    /// <summary>
    /// Creates a pending return request with a new <c>ret-</c> id and raises <see cref="RequestCreated"/>.
    /// The list may be empty (nothing left to return still yields a request).
    /// </summary>
    /// <param name="machineIds">The machines to return; no duplicates.</param>
    /// <param name="timeout">How long the request may take; positive.</param>
    /// <param name="clock">The source of the creation time.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="DomainRuleViolationException">A machine id is default or repeated, or the timeout is not positive.</exception>
    public static Request CreateReturn(IReadOnlyList<MachineId> machineIds, TimeSpan timeout, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(machineIds);
        ArgumentNullException.ThrowIfNull(clock);
        return Create(RequestId.NewReturn(), null, machineIds.Count, machineIds, timeout, clock);
    }

    /// <summary>Rebuilds a request from what a store saved; raises nothing.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="snapshot"/> is null.</exception>
    /// <exception cref="DomainRuleViolationException">The snapshot is inconsistent (kind vs id prefix, status vs kind, counts, times…).</exception>
    public static Request FromSnapshot(RequestSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new Request(snapshot);
    }

    /// <summary>Every field as plain values, for stores and readers. Never throws.</summary>
    public RequestSnapshot ToSnapshot() =>
        new(Id, Kind, TemplateId, RequestedCount, _machineIds.ToArray(), Status, Message,
            CreatedAt, UpdatedAt, CompletedAt, Deadline, SyncAttempts, ProvisionAttempt, Version);

    /// <summary>Acquire: Pending → Provisioning.</summary>
    /// <param name="clock">The source of the change time.</param>
    /// <param name="message">What Host Factory should be told about how the machines came (e.g. recovered after an interrupted call); null keeps the message.</param>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="InvalidStateTransitionException">The transition table does not allow it.</exception>
    public void BeginProvisioning(TimeProvider clock, string? message = null) => MoveTo(RequestStatus.Provisioning, message ?? Message, clock);

    /// <summary>Return: Pending → Releasing.</summary>
    /// <param name="clock">The source of the change time.</param>
    /// <param name="message">What Host Factory should be told about the release (e.g. resumed after an interrupted call); null keeps the message.</param>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="InvalidStateTransitionException">The transition table does not allow it.</exception>
    public void BeginReleasing(TimeProvider clock, string? message = null) => MoveTo(RequestStatus.Releasing, message ?? Message, clock);

    /// <summary>Every machine reached its goal: → Completed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="InvalidStateTransitionException">The transition table does not allow it.</exception>
    public void Complete(TimeProvider clock) => MoveTo(RequestStatus.Completed, Message, clock);

    /// <summary>Finished, but some machine did not reach its goal: → CompletedWithErrors.</summary>
    /// <param name="message">What went wrong; not blank.</param>
    /// <param name="clock">The source of the change time.</param>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="DomainRuleViolationException"><paramref name="message"/> is blank.</exception>
    /// <exception cref="InvalidStateTransitionException">The transition table does not allow it.</exception>
    public void CompleteWithErrors(string message, TimeProvider clock) =>
        MoveTo(RequestStatus.CompletedWithErrors, RequireMessage(message), clock);

    /// <summary>The request failed as a whole: → Failed.</summary>
    /// <param name="message">Why; not blank.</param>
    /// <param name="clock">The source of the change time.</param>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="DomainRuleViolationException"><paramref name="message"/> is blank.</exception>
    /// <exception cref="InvalidStateTransitionException">The transition table does not allow it.</exception>
    public void Fail(string message, TimeProvider clock) => MoveTo(RequestStatus.Failed, RequireMessage(message), clock);

    /// <summary>Acquire: stop before finishing: → Cancelled.</summary>
    /// <param name="reason">Why; not blank.</param>
    /// <param name="clock">The source of the change time.</param>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="DomainRuleViolationException"><paramref name="reason"/> is blank.</exception>
    /// <exception cref="InvalidStateTransitionException">The transition table does not allow it.</exception>
    public void Cancel(string reason, TimeProvider clock) => MoveTo(RequestStatus.Cancelled, RequireMessage(reason), clock);

    /// <summary>The deadline passed: → TimedOut, with a message naming the deadline.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="InvalidStateTransitionException">The transition table does not allow it.</exception>
    /// <exception cref="DomainRuleViolationException">The deadline has not passed yet.</exception>
    public void TimeOut(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        EnsureCanMoveTo(RequestStatus.TimedOut);
        var deadline = Deadline.ToString("u", CultureInfo.InvariantCulture);
        if (!IsPastDeadline(clock.GetUtcNow()))
        {
            throw new DomainRuleViolationException($"Request '{Id}' cannot time out before its deadline {deadline}.");
        }

        MoveTo(RequestStatus.TimedOut, $"The request did not finish before its deadline {deadline}.", clock);
    }

    /// <summary>
    /// Acquire: records machines the provider made for this request and raises
    /// <see cref="RequestMachinesAdded"/>. Adding nothing changes nothing.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="DomainRuleViolationException">
    /// The request is a return request or is not pending/provisioning; an id is default or already
    /// present; or the request would hold more machines than it asked for. Nothing is added then.
    /// </exception>
    public void AddMachines(IEnumerable<MachineId> machineIds, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(machineIds);
        ArgumentNullException.ThrowIfNull(clock);
        if (Kind != RequestKind.Acquire)
        {
            throw new DomainRuleViolationException($"Request '{Id}' is a return request: machines are added only to acquire requests.");
        }

        if (Status is not (RequestStatus.Pending or RequestStatus.Provisioning))
        {
            throw new DomainRuleViolationException($"Request '{Id}' is '{RequestStatusWords.ToWord(Status)}': machines are added only while it is pending or provisioning.");
        }

        var added = machineIds.ToArray();
        if (added.Length == 0)
        {
            return;
        }

        var held = new HashSet<MachineId>(_machineIds);
        foreach (var machineId in added)
        {
            RequireMachineId(machineId);
            if (!held.Add(machineId))
            {
                throw new DomainRuleViolationException($"Request '{Id}' already holds machine '{machineId}'.");
            }
        }

        if (held.Count > RequestedCount)
        {
            throw new DomainRuleViolationException($"Request '{Id}' asked for {RequestedCount} machine(s) and cannot hold {held.Count}.");
        }

        _machineIds.AddRange(added);
        UpdatedAt = clock.GetUtcNow();
        Raise(new RequestMachinesAdded(Id, added, UpdatedAt));
    }

    /// <summary>
    /// Counts one synchronisation with the provider (used to retry stuck provisions). Raises no
    /// event: it is bookkeeping done on every poll, not a change anyone reacts to.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    public void RecordSync(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        SyncAttempts++;
        UpdatedAt = clock.GetUtcNow();
    }

    /// <summary>
    /// Claims the pending request for one recovery of a call that was interrupted (its process died between saving
    /// the request and finishing with the provider). Counts the claim in <see cref="SyncAttempts"/> (which a pending
    /// request uses for nothing else) and, for an acquire request when <paramref name="nextAttempt"/> is true, moves
    /// <see cref="ProvisionAttempt"/> on, so the recovery's provision call asks under a new key for machines the
    /// interrupted call did not make. Raises no event. Saved with a versioned save, a claim succeeds in one process only.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="DomainRuleViolationException">The request is not pending, or <paramref name="nextAttempt"/> is asked of a return request.</exception>
    public void ClaimForRecovery(bool nextAttempt, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (Status != RequestStatus.Pending)
        {
            throw new DomainRuleViolationException($"Request '{Id}' is {RequestStatusWords.ToWord(Status)}: only a pending request is recovered.");
        }

        if (nextAttempt && Kind != RequestKind.Acquire)
        {
            throw new DomainRuleViolationException($"Request '{Id}' is a return request: it makes no provision attempts.");
        }

        SyncAttempts++;
        if (nextAttempt)
        {
            ProvisionAttempt++;
        }

        UpdatedAt = clock.GetUtcNow();
    }

    /// <summary>True when <paramref name="now"/> is strictly after <see cref="Deadline"/>. Never throws.</summary>
    public bool IsPastDeadline(DateTimeOffset now) => now > Deadline;

    private static Request Create(RequestId id, TemplateId? templateId, int count, IReadOnlyList<MachineId> machineIds, TimeSpan timeout, TimeProvider clock)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new DomainRuleViolationException($"The request timeout must be positive, was {timeout}.");
        }

        var now = clock.GetUtcNow();
        var request = new Request(new RequestSnapshot(
            id, id.Kind, templateId, count, machineIds, RequestStatus.Pending, string.Empty,
            now, now, CompletedAt: null, now + timeout, SyncAttempts: 0, ProvisionAttempt: 0, Version: 0));
        request.Raise(new RequestCreated(id, id.Kind, templateId, count, request.MachineIds.ToArray(), request.Deadline, now));
        return request;
    }

    private void EnsureCanMoveTo(RequestStatus target)
    {
        if (!RequestTransitions.IsAllowed(Kind, Status, target))
        {
            throw new InvalidStateTransitionException(Entity, Id.ToString(), RequestStatusWords.ToWord(Status), RequestStatusWords.ToWord(target));
        }
    }

    private void MoveTo(RequestStatus target, string message, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        EnsureCanMoveTo(target);
        var from = Status;
        var now = clock.GetUtcNow();
        Status = target;
        Message = message;
        UpdatedAt = now;
        Raise(new RequestStatusChanged(Id, from, target, message, now));
        if (target.IsFinished)
        {
            CompletedAt = now;
            Raise(new RequestCompleted(Id, target, message, now));
        }
    }

    private static string RequireMessage(string message) =>
        string.IsNullOrWhiteSpace(message)
            ? throw new DomainRuleViolationException("A failed, cancelled or partly failed request needs a message saying why.")
            : message;

    private static void RequireMachineId(MachineId machineId)
    {
        if (machineId.Value is null)
        {
            throw new DomainRuleViolationException("default(MachineId) is not a machine id.");
        }
    }

    private static RequestSnapshot Validate(RequestSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        void Check([DoesNotReturnIf(false)] bool rule, string why)
        {
            if (!rule)
            {
                throw new DomainRuleViolationException($"Request '{s.Id}' is invalid: {why}.");
            }
        }

        Check(s.Id.Value is not null, "default(RequestId) is not an id");
        Check(s.Kind == s.Id.Kind, $"it is recorded as {s.Kind} but its id prefix says {s.Id.Kind}");
        Check(RequestTransitions.IsReachable(s.Kind, s.Status), $"status {s.Status} is impossible for a {s.Kind} request");
        Check(s.MachineIds is not null && s.Message is not null, "machine ids and message must not be null");
        Check(s.MachineIds.All(m => m.Value is not null), "default(MachineId) is not a machine id");
        Check(s.MachineIds.Distinct().Count() == s.MachineIds.Count, "a machine id is repeated");
        if (s.Kind == RequestKind.Acquire)
        {
            Check(s.TemplateId is { Value: not null }, "an acquire request needs a template id");
            Check(s.RequestedCount >= 1, $"an acquire request asks for at least 1 machine, not {s.RequestedCount}");
            Check(s.MachineIds.Count <= s.RequestedCount, $"it holds {s.MachineIds.Count} machines but asked for {s.RequestedCount}");
        }
        else
        {
            Check(s.TemplateId is null, "a return request has no template id");
            Check(s.RequestedCount == s.MachineIds.Count, $"it returns {s.MachineIds.Count} machines but counts {s.RequestedCount}");
        }

        Check(s.Deadline > s.CreatedAt && s.UpdatedAt >= s.CreatedAt, "its deadline and last update must not precede its creation");
        Check(s.CompletedAt.HasValue == s.Status.IsFinished, "it has a completion time exactly when its status is final");
        Check(s.CompletedAt is not { } completed || completed >= s.CreatedAt, "its completion must not precede its creation");
        Check(s.SyncAttempts >= 0 && s.ProvisionAttempt >= 0 && s.Version >= 0, "sync attempts, provision attempt and version must not be negative");
        Check(s.Kind == RequestKind.Acquire || s.ProvisionAttempt == 0, "a return request makes no provision attempts");
        return s;
    }
}
