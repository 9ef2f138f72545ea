using System.Globalization;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Testing;

/// <summary>
/// A scriptable <see cref="IMachineProvider"/> that keeps its own view of the machines it made, as a cloud would, and
/// records every call. By default each provision makes the machines asked for, each pending until described once
/// (<see cref="DefaultMachine"/>), and each release terminates the machine (<see cref="DefaultReleaseOutcome"/>).
/// Provisioning is idempotent by key, as the port requires: asked again under a key it made machines under, it
/// answers with those it still holds and makes none (and uses no script). It lists what it holds
/// (<see cref="IMachineProvider.ListHeldAsync"/>) unless <see cref="CanListHeld"/> is false.
/// Script other behaviour with <see cref="EnqueueProvision"/>, <see cref="ScriptRelease"/>, <see cref="Reclaim"/>,
/// <see cref="Lose"/>, <see cref="AfterProvision"/> and the <c>…Throws</c> properties. Thread-safe.
/// </summary>
public sealed class FakeMachineProvider : IMachineProvider
{
    /// <summary>The provider name the test host registers by default.</summary>
    public const string DefaultName = "fake";

    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;
    private readonly Queue<ProvisionScript> _provisions = new();
    private readonly List<MachineState> _machines = [];
    private readonly Dictionary<string, (ReleaseOutcome Outcome, string? Message)> _releases = new(StringComparer.Ordinal);
    private readonly List<ProvisionRequest> _provisionCalls = [];
    private readonly List<IReadOnlyList<ProviderMachine>> _releaseCalls = [];
    private int _describeCalls;
    private int _listReclaimedCalls;
    private int _validateCalls;

    /// <summary>Creates the provider.</summary>
    /// <param name="name">Its name; machine ids and host names start with it.</param>
    /// <param name="clock">The clock for launch times; the system clock when null.</param>
    public FakeMachineProvider(string name = DefaultName, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Its name.</summary>
    public string Name { get; }

    /// <summary>Which id Host Factory is told as a machine's <c>machineId</c>; our own id by default.</summary>
    public ReportedMachineId ReportedMachineId { get; set; } = ReportedMachineId.OurId;

    /// <summary>How machines behave when no provision script says otherwise. Pending until described once, by default.</summary>
    public MachineScript DefaultMachine { get; set; } = MachineScript.RunningAfter(1);

    /// <summary>The outcome of releasing a machine no <see cref="ScriptRelease"/> names. <see cref="ReleaseOutcome.Released"/> by default.</summary>
    public ReleaseOutcome DefaultReleaseOutcome { get; set; } = ReleaseOutcome.Released;

    /// <summary>Runs inside <c>ProvisionAsync</c> before anything is made: lets a test act while the provider "works".</summary>
    public Func<ProvisionRequest, CancellationToken, Task>? BeforeProvision { get; set; }

    /// <summary>
    /// Runs inside <c>ProvisionAsync</c> after the machines are made, before the answer: a test that cancels the
    /// caller's token here plays a caller that died after the provider made machines and before it recorded them
    /// (the provider then throws <see cref="OperationCanceledException"/>, keeping the machines).
    /// </summary>
    public Func<ProvisionRequest, IReadOnlyList<ProvisionedMachine>, CancellationToken, Task>? AfterProvision { get; set; }

    /// <summary>
    /// Runs inside <c>ReleaseAsync</c> after the machines are released, before the answer: a test that cancels the
    /// caller's token here plays a caller that died after the provider released machines and before it recorded that.
    /// </summary>
    public Func<IReadOnlyList<ProviderMachine>, CancellationToken, Task>? AfterRelease { get; set; }

    /// <summary>False plays a provider that cannot tell which machines it made for which request. True by default.</summary>
    public bool CanListHeld { get; set; } = true;

    /// <summary>When set, <c>ListHeldAsync</c> throws it.</summary>
    public Exception? ListHeldThrows { get; set; }

    /// <summary>When set, <c>DescribeAsync</c> throws it.</summary>
    public Exception? DescribeThrows { get; set; }

    /// <summary>When set, <c>ReleaseAsync</c> throws it (and releases nothing).</summary>
    public Exception? ReleaseThrows { get; set; }

    /// <summary>When set, <c>ListReclaimedAsync</c> throws it.</summary>
    public Exception? ListReclaimedThrows { get; set; }

    /// <summary>When set, <c>ValidateTemplateAsync</c> throws it.</summary>
    public Exception? ValidateThrows { get; set; }

    /// <summary>What <c>ValidateTemplateAsync</c> answers. Empty (valid) by default.</summary>
    public IReadOnlyList<string> ValidationProblems { get; set; } = [];

    /// <summary>Every provision asked for, in order.</summary>
    public IReadOnlyList<ProvisionRequest> ProvisionCalls => Locked(() => _provisionCalls.ToArray());

    /// <summary>Every release call, in order, with the machines it named.</summary>
    public IReadOnlyList<IReadOnlyList<ProviderMachine>> ReleaseCalls => Locked(() => _releaseCalls.ToArray());

    /// <summary>Every machine named in any release call, in order (a machine released twice appears twice).</summary>
    public IReadOnlyList<ProviderMachine> ReleasedMachines => Locked(() => _releaseCalls.SelectMany(c => c).ToArray());

    /// <summary>How many times <c>DescribeAsync</c> was called.</summary>
    public int DescribeCalls => Locked(() => _describeCalls);

    /// <summary>How many times <c>ListReclaimedAsync</c> was called.</summary>
    public int ListReclaimedCalls => Locked(() => _listReclaimedCalls);

    /// <summary>How many times <c>ValidateTemplateAsync</c> was called.</summary>
    public int ValidateCalls => Locked(() => _validateCalls);

    /// <summary>The provider's view of every machine it made, in the order made.</summary>
    public IReadOnlyList<FakeMachine> Machines => Locked(() => _machines.Select(m => m.ToFake()).ToArray());

    /// <summary>Scripts the next <c>ProvisionAsync</c> call; scripts queue up and are used once each, in order.</summary>
    /// <param name="script">What the call does.</param>
    /// <returns>This provider, for chaining.</returns>
    public FakeMachineProvider EnqueueProvision(ProvisionScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        lock (_lock)
        {
            _provisions.Enqueue(script);
        }

        return this;
    }

    /// <summary>Scripts how releasing one machine goes.</summary>
    /// <param name="hostNameOrProviderId">The machine's host name or provider id.</param>
    /// <param name="outcome">The outcome to report.</param>
    /// <param name="message">The message to report with it.</param>
    /// <returns>This provider, for chaining.</returns>
    public FakeMachineProvider ScriptRelease(string hostNameOrProviderId, ReleaseOutcome outcome, string? message = null)
    {
        lock (_lock)
        {
            _releases[hostNameOrProviderId] = (outcome, message);
        }

        return this;
    }

    /// <summary>
    /// The provider takes the machine back on its own (a spot reclaim): <c>ListReclaimedAsync</c> reports it with
    /// <paramref name="gracePeriodSeconds"/>; with 0 it is gone at once and described as terminated.
    /// </summary>
    /// <param name="hostNameOrProviderId">The machine's host name or provider id.</param>
    /// <param name="gracePeriodSeconds">Seconds left before it goes.</param>
    /// <exception cref="InvalidOperationException">The provider made no such machine.</exception>
    public void Reclaim(string hostNameOrProviderId, int gracePeriodSeconds = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gracePeriodSeconds);
        lock (_lock)
        {
            var machine = Find(hostNameOrProviderId);
            machine.ReclaimGrace = gracePeriodSeconds;
            if (gracePeriodSeconds == 0)
            {
                machine.Status = MachineStatus.Terminated;
            }
        }
    }

    /// <summary>The machine disappears outside Host Factory (terminated by hand, lost): described as terminated, reported by <c>ListReclaimedAsync</c>, and already gone when released.</summary>
    /// <param name="hostNameOrProviderId">The machine's host name or provider id.</param>
    /// <exception cref="InvalidOperationException">The provider made no such machine.</exception>
    public void Lose(string hostNameOrProviderId)
    {
        lock (_lock)
        {
            var machine = Find(hostNameOrProviderId);
            machine.Lost = true;
            machine.Status = MachineStatus.Terminated;
        }
    }

    /// <inheritdoc />
    public async Task<ProvisionResult> ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            _provisionCalls.Add(request);
        }

        if (BeforeProvision is { } before)
        {
            await before(request, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        ProvisionedMachine[] made;
        string? error;
        lock (_lock)
        {
            // Checked when making, as a real provider does under its per-key lock: a call that waited behind another
            // with the same key answers with what that one made.
            if (_machines.Any(m => m.Key == request.Key))
            {
                var held = _machines.Where(m => m.Key == request.Key && m.IsHeld).Select(m => m.ToProvisioned()).ToArray();
                return held.Length >= request.Count
                    ? ProvisionResult.Success(held)
                    : ProvisionResult.Partial(held, $"Provider '{Name}' holds {held.Length} machine(s) made under key {request.Key} and makes no more under it.");
            }

            _provisions.TryDequeue(out var script);
            if (script?.Exception is { } exception)
            {
                throw exception;
            }

            var machines = script?.Machines ?? Enumerable.Repeat(DefaultMachine, script?.Made ?? request.Count).ToArray();
            made = machines.Select(m => Make(m, request.Key)).ToArray();
            error = script?.Error;
        }

        if (AfterProvision is { } after)
        {
            await after(request, made, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return error is null ? ProvisionResult.Success(made) : ProvisionResult.Partial(made, error);
    }

    /// <inheritdoc />
    public Task<HeldMachines> ListHeldAsync(RequestId? requestId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (ListHeldThrows is { } exception)
            {
                throw exception;
            }

            return Task.FromResult(CanListHeld
                ? HeldMachines.Found(_machines
                    .Where(m => m.IsHeld && (requestId is not { } wanted || m.Key.RequestId == wanted))
                    .Select(m => new HeldMachine(m.Key, m.ToProvisioned()))
                    .ToArray())
                : HeldMachines.NotSupported($"Provider '{Name}' is playing a provider that cannot list what it holds."));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MachineObservation>> DescribeAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        lock (_lock)
        {
            _describeCalls++;
            if (DescribeThrows is { } exception)
            {
                throw exception;
            }

            return Task.FromResult<IReadOnlyList<MachineObservation>>(machines.Select(Describe).ToArray());
        }
    }

    /// <inheritdoc />
    public async Task<ReleaseResult> ReleaseAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        ReleaseResult result;
        lock (_lock)
        {
            _releaseCalls.Add(machines.ToArray());
            if (ReleaseThrows is { } exception)
            {
                throw exception;
            }

            result = new ReleaseResult(machines.Select(Release).ToArray());
        }

        if (AfterRelease is { } after)
        {
            await after(machines, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return result;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReclaimedMachine>> ListReclaimedAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        lock (_lock)
        {
            _listReclaimedCalls++;
            if (ListReclaimedThrows is { } exception)
            {
                throw exception;
            }

            var reclaimed = machines
                .Select(asked => _machines.Find(m => m.ProviderMachineId == asked.ProviderMachineId))
                .OfType<MachineState>()
                .Where(m => m.Lost || m.ReclaimGrace is not null)
                .Select(m => new ReclaimedMachine(m.ProviderMachineId, m.HostName, m.Lost ? 0 : m.ReclaimGrace!.Value))
                .ToArray();
            return Task.FromResult<IReadOnlyList<ReclaimedMachine>>(reclaimed);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ValidateTemplateAsync(TemplateSnapshot template, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _validateCalls++;
            return ValidateThrows is { } exception ? throw exception : Task.FromResult(ValidationProblems);
        }
    }

    private ProvisionedMachine Make(MachineScript script, ProvisionKey key)
    {
        var number = _machines.Count + 1;
        var id = string.Create(CultureInfo.InvariantCulture, $"{Name}-{number:D4}");
        var state = new MachineState(id, $"{id}.example", string.Create(CultureInfo.InvariantCulture, $"10.0.{number / 250}.{(number % 250) + 1}"), script, key, Name, _clock.GetUtcNow())
        {
            Status = script.DescribesUntilSettled == 0 ? script.SettlesAs : MachineStatus.Pending,
            DescribesLeft = script.DescribesUntilSettled,
        };
        _machines.Add(state);
        return state.ToProvisioned();
    }

    private MachineObservation Describe(ProviderMachine asked)
    {
        var machine = _machines.Find(m => m.ProviderMachineId == asked.ProviderMachineId);
        if (machine is null)
        {
            return new MachineObservation(asked.ProviderMachineId, MachineStatus.Terminated, $"Provider '{Name}' does not know this machine.");
        }

        if (machine.Status == MachineStatus.ShuttingDown && machine.Released)
        {
            // A release in progress completes by the next look.
            machine.Status = MachineStatus.Terminated;
        }
        else if (machine.Status == MachineStatus.Pending && machine.DescribesLeft != int.MaxValue && --machine.DescribesLeft <= 0)
        {
            machine.Status = machine.Script.SettlesAs;
            machine.Message = machine.Script.Message;
        }

        var message = machine.Lost ? "The machine was terminated outside Host Factory." : machine.Message;
        return machine.Status == MachineStatus.Running
            ? new MachineObservation(machine.ProviderMachineId, machine.Status, message, machine.HostName, machine.PrivateIpAddress)
            : new MachineObservation(machine.ProviderMachineId, machine.Status, message);
    }

    private MachineReleaseOutcome Release(ProviderMachine asked)
    {
        var machine = _machines.Find(m => m.ProviderMachineId == asked.ProviderMachineId);
        if (machine is null || machine.Lost || machine.Status == MachineStatus.Terminated)
        {
            return new MachineReleaseOutcome(asked.ProviderMachineId, ReleaseOutcome.AlreadyGone, "The machine was already gone.");
        }

        var (outcome, message) = _releases.TryGetValue(machine.ProviderMachineId, out var byId) ? byId
            : _releases.TryGetValue(machine.HostName, out var byName) ? byName
            : (DefaultReleaseOutcome, null);
        switch (outcome)
        {
            case ReleaseOutcome.Released or ReleaseOutcome.AlreadyGone:
                machine.Released = true;
                machine.Status = MachineStatus.Terminated;
                break;
            case ReleaseOutcome.Releasing:
                machine.Released = true;
                machine.Status = MachineStatus.ShuttingDown;
                break;
            default:
                message ??= "The provider refused to terminate the machine.";
                break;
        }

        return new MachineReleaseOutcome(machine.ProviderMachineId, outcome, message);
    }

    private MachineState Find(string hostNameOrProviderId) =>
        _machines.Find(m => m.ProviderMachineId == hostNameOrProviderId || m.HostName == hostNameOrProviderId)
            ?? throw new InvalidOperationException($"Provider '{Name}' made no machine called '{hostNameOrProviderId}'.");

    private T Locked<T>(Func<T> read)
    {
        lock (_lock)
        {
            return read();
        }
    }

    private sealed class MachineState(
        string providerMachineId, string hostName, string privateIpAddress, MachineScript script, ProvisionKey key, string providerName, DateTimeOffset launchTime)
    {
        public ProvisionKey Key { get; } = key;

        public string ProviderMachineId { get; } = providerMachineId;

        public string HostName { get; } = hostName;

        public string PrivateIpAddress { get; } = privateIpAddress;

        public MachineScript Script { get; } = script;

        public MachineStatus Status { get; set; }

        public int DescribesLeft { get; set; }

        public string? Message { get; set; }

        public bool Released { get; set; }

        public bool Lost { get; set; }

        public int? ReclaimGrace { get; set; }

        /// <summary>Still the provider's: neither released nor lost nor gone.</summary>
        public bool IsHeld => !Released && !Lost && Status != MachineStatus.Terminated;

        public FakeMachine ToFake() => new(ProviderMachineId, HostName, PrivateIpAddress, Status, Released, Key);

        public ProvisionedMachine ToProvisioned() =>
            new(ProviderMachineId, HostName, PrivateIpAddress, null, launchTime, Status, new Dictionary<string, string> { ["fakeProvider"] = providerName });
    }
}
