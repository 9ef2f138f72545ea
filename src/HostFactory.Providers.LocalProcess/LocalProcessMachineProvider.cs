using System.Globalization;
using System.Net;
using HostFactory.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;
using Microsoft.Extensions.Logging;

namespace HostFactory.Providers.LocalProcess;

/// <summary>
/// Each machine is a real OS process on this host, started from the template's <c>command</c> (an argv
/// array) in a session of its own (<c>setsid</c>), with stdin from <c>/dev/null</c> and stdout/stderr
/// appended to files in its folder, so it outlives the process that provisioned it. Linux only: it reads
/// <c>/proc</c>. Template settings: <c>command</c> (required), <c>workingDirectory</c> (relative to the
/// configuration file's directory; default: the machine's own folder), <c>environment</c>.
/// Provisioning is idempotent by key: each machine's record (<see cref="MachineRecords"/>) carries the key of the call
/// that made it, written before the machine starts, and calls with one key run one at a time across processes
/// (<see cref="ProvisionKeyLock"/>); a repeat answers with the machines the key started and starts none.
/// <see cref="ListHeldAsync"/> lists the running, unreleased machines from the same records.
/// </summary>
[MachineProvider(BuiltInTypeName, OptionsType = typeof(LocalProcessProviderOptions))]
public sealed class LocalProcessMachineProvider : IMachineProvider
{
    /// <summary>The provider type name.</summary>
    public const string BuiltInTypeName = "local-process";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly ProviderContext _context;
    private readonly LocalProcessProviderOptions _options;
    private readonly ILogger _logger;
    private readonly MachineRecords _records;
    private readonly MachineLauncher _launcher;
    private readonly string _hostName;

    /// <summary>Creates the provider for one configured instance.</summary>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    public LocalProcessMachineProvider(ProviderContext context, LocalProcessProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The local-process provider runs on Linux only: it reads /proc and uses setsid.");
        }

        _context = context;
        _options = options;
        _logger = context.LoggerFactory.CreateLogger<LocalProcessMachineProvider>();
        _records = new MachineRecords(Path.Combine(context.StateDirectory, "machines"));
        _launcher = new MachineLauncher(_records);
        _hostName = options.HostName ?? Dns.GetHostName();
    }

    /// <inheritdoc/>
    public async Task<ProvisionResult> ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = TemplateSettings.Of(request.Template);
        IReadOnlyList<string> command;
        string? workingDirectory;
        IReadOnlyDictionary<string, string>? environment;
        try
        {
            command = settings.GetRequiredStringArray("command");
            workingDirectory = settings.GetString("workingDirectory") is { } directory ? _context.ResolvePath(directory) : null;
            environment = settings.GetStringMap("environment");
        }
        catch (ProviderSettingException exception)
        {
            return ProvisionResult.Failure(exception.Message);
        }

        if (FindProgram(command[0]) is null)
        {
            return ProvisionResult.Failure($"Template '{settings.TemplateId}' command '{command[0]}' is not an executable file or a program on PATH.");
        }

        // One call per key at a time, across processes: a repeat waits for the first, then finds what it made.
        using var keyLock = await ProvisionKeyLock.AcquireAsync(_context, request.Key, cancellationToken);
        var earlier = await _launcher.StartedUnderAsync(request.Key, cancellationToken);
        if (earlier.Count > 0)
        {
            var held = earlier.Where(IsHeld).Select(m => ToMachine(m.Record, m.Id)).ToArray();
            return held.Length >= request.Count
                ? ProvisionResult.Success(held)
                : ProvisionResult.Partial(held, $"Key {request.Key} already started {earlier.Count} machine(s), of which {held.Length} still run; no more are made under it.");
        }

        var made = new List<ProvisionedMachine>(request.Count);
        for (var i = 0; i < request.Count; i++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // Machines already started must be recorded, so they are reported rather than thrown away.
                return made.Count == 0
                    ? throw new OperationCanceledException(cancellationToken)
                    : ProvisionResult.Partial(made, $"Cancelled after starting {made.Count} of {request.Count} machines.");
            }

            MachineRecord? record = null;
            try
            {
                // Recorded before it starts: from here on, whoever holds the key can find the machine, even if we die.
                record = _records.Create(request.Key, _hostName, _context.TimeProvider.GetUtcNow());
                var id = await _launcher.StartAsync(request, record, command, workingDirectory, environment, cancellationToken);
                LocalProcessLog.Started(_logger, record.HostName, id.Pid, request.RequestId.ToString());
                made.Add(ToMachine(record, id));
            }
            catch (Exception exception) when (exception is MachineProviderException or IOException or TimeoutException or OperationCanceledException or UnauthorizedAccessException)
            {
                // A start cut short (a timeout, a cancellation) can still leave its machine running: the launcher's child
                // born after the launcher's tree was killed. Reported, it is recorded; left out, it would be leaked.
                if (record is not null && await MachineLauncher.SettleAsync(record, CancellationToken.None) is { } late && IsHeld((record, late)))
                {
                    made.Add(ToMachine(record, late));
                }

                var why = $"Starting machine {i + 1} of {request.Count} failed: {exception.Message}";
                return made.Count == 0 ? ProvisionResult.Failure(why) : ProvisionResult.Partial(made, why);
            }
        }

        return ProvisionResult.Success(made);
    }

    /// <inheritdoc/>
    public Task<HeldMachines> ListHeldAsync(RequestId? requestId, CancellationToken cancellationToken)
    {
        // Only started machines: a record still starting belongs to a call in progress, which reports it itself.
        IReadOnlyList<HeldMachine> held = _records.Read(key => requestId is not { } wanted || key.RequestId == wanted)
            .Select(record => (Record: record, Started: record.TryReadProcess(out var id), Id: id))
            .Where(m => m.Started && IsHeld((m.Record, m.Id)))
            .Select(m => new HeldMachine(m.Record.Key, ToMachine(m.Record, m.Id)))
            .ToArray();
        return Task.FromResult(HeldMachines.Found(held));
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<MachineObservation>> DescribeAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        var observations = new List<MachineObservation>(machines.Count);
        foreach (var machine in machines)
        {
            observations.Add(Describe(machine));
        }

        return Task.FromResult<IReadOnlyList<MachineObservation>>(observations);
    }

    /// <inheritdoc/>
    public async Task<ReleaseResult> ReleaseAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        var outcomes = new MachineReleaseOutcome?[machines.Count];
        var signalled = new List<(int Index, LocalProcessMachineId Id)>();
        for (var i = 0; i < machines.Count; i++)
        {
            var providerId = machines[i].ProviderMachineId;
            if (!LocalProcessMachineId.TryParse(providerId, out var id))
            {
                outcomes[i] = new MachineReleaseOutcome(providerId, ReleaseOutcome.AlreadyGone, "Not a local-process machine id.");
                continue;
            }

            _records.MarkReleased(id, _context.TimeProvider.GetUtcNow());
            if (ProcFs.Signal(id.Pid, id.StartTime, ProcFs.SigTerm))
            {
                LocalProcessLog.Terminating(_logger, id.Pid);
                signalled.Add((i, id));
            }
            else
            {
                outcomes[i] = new MachineReleaseOutcome(providerId, ReleaseOutcome.AlreadyGone, "The process had already exited.");
            }
        }

        // Every machine got SIGTERM at once, so the grace periods run side by side, not one after another.
        var grace = TimeSpan.FromSeconds(_options.GraceSeconds);
        var stillAlive = await WaitForExitAsync(signalled.Select(static s => s.Id).ToArray(), grace, cancellationToken);
        foreach (var id in stillAlive)
        {
            ProcFs.Signal(id.Pid, id.StartTime, ProcFs.SigKill);
            LocalProcessLog.Killed(_logger, id.Pid, _options.GraceSeconds);
        }

        var unkilled = stillAlive.Count == 0 ? [] : await WaitForExitAsync(stillAlive, TimeSpan.FromSeconds(2), cancellationToken);
        foreach (var (index, id) in signalled)
        {
            var killed = stillAlive.Contains(id);
            outcomes[index] = unkilled.Contains(id)
                ? new MachineReleaseOutcome(machines[index].ProviderMachineId, ReleaseOutcome.Releasing, "SIGKILL was sent; the process has not exited yet.")
                : new MachineReleaseOutcome(machines[index].ProviderMachineId, ReleaseOutcome.Released, killed ? "Killed with SIGKILL after ignoring SIGTERM." : "Stopped with SIGTERM.");
        }

        return new ReleaseResult(outcomes.Select(static o => o!).ToArray());
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ReclaimedMachine>> ListReclaimedAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        var reclaimed = new List<ReclaimedMachine>();
        foreach (var machine in machines)
        {
            // A process that died without being released is a machine lost outside Host Factory.
            if (LocalProcessMachineId.TryParse(machine.ProviderMachineId, out var id)
                && !ProcessLiveness.IsAlive(id.Pid, id.StartTime)
                && _records.ReleasedAt(id) is null)
            {
                reclaimed.Add(new ReclaimedMachine(machine.ProviderMachineId, machine.HostName, 0));
            }
        }

        return Task.FromResult<IReadOnlyList<ReclaimedMachine>>(reclaimed);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> ValidateTemplateAsync(TemplateSnapshot template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        var settings = TemplateSettings.Of(template);
        var problems = new List<string>();
        try
        {
            var command = settings.GetRequiredStringArray("command");
            if (FindProgram(command[0]) is null)
            {
                problems.Add($"Template '{settings.TemplateId}' command '{command[0]}' is not an executable file or a program on PATH.");
            }
        }
        catch (ProviderSettingException exception)
        {
            problems.Add(exception.Message);
        }

        try
        {
            if (settings.GetString("workingDirectory") is { } directory && !Directory.Exists(_context.ResolvePath(directory)))
            {
                problems.Add($"Template '{settings.TemplateId}' setting 'workingDirectory' names '{_context.ResolvePath(directory)}', which does not exist.");
            }
        }
        catch (ProviderSettingException exception)
        {
            problems.Add(exception.Message);
        }

        try
        {
            settings.GetStringMap("environment");
        }
        catch (ProviderSettingException exception)
        {
            problems.Add(exception.Message);
        }

        return Task.FromResult<IReadOnlyList<string>>(problems);
    }

    /// <summary>Still this instance's: the process runs and no release began.</summary>
    private bool IsHeld((MachineRecord Record, LocalProcessMachineId Id) machine) =>
        ProcessLiveness.IsAlive(machine.Id.Pid, machine.Id.StartTime) && _records.ReleasedAt(machine.Id) is null;

    private ProvisionedMachine ToMachine(MachineRecord record, LocalProcessMachineId id) => new(
        id.ToString(),
        record.HostName,
        _options.IpAddress,
        PublicIpAddress: null,
        record.LaunchedAt,
        MachineStatus.Running,
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["pid"] = id.Pid.ToString(CultureInfo.InvariantCulture),
            ["startTime"] = id.StartTime.ToString(CultureInfo.InvariantCulture),
            ["directory"] = record.Directory,
        },
        InstanceType: "local-process",
        CloudHostId: id.ToString());

    private MachineObservation Describe(ProviderMachine machine)
    {
        if (!LocalProcessMachineId.TryParse(machine.ProviderMachineId, out var id))
        {
            return new MachineObservation(machine.ProviderMachineId, MachineStatus.Terminated, "Not a local-process machine id; nothing to observe.");
        }

        var released = _records.ReleasedAt(id);
        if (ProcessLiveness.IsAlive(id.Pid, id.StartTime))
        {
            if (released is null)
            {
                return new MachineObservation(machine.ProviderMachineId, MachineStatus.Running, null);
            }

            // A release that did not finish (its caller died mid-grace) is finished by whoever looks next.
            if (_context.TimeProvider.GetUtcNow() - released.Value > TimeSpan.FromSeconds(_options.GraceSeconds))
            {
                ProcFs.Signal(id.Pid, id.StartTime, ProcFs.SigKill);
                LocalProcessLog.Killed(_logger, id.Pid, _options.GraceSeconds);
            }

            return new MachineObservation(machine.ProviderMachineId, MachineStatus.ShuttingDown, "Released; waiting for the process to exit.");
        }

        return released is not null
            ? new MachineObservation(machine.ProviderMachineId, MachineStatus.Terminated, "Released.")
            : new MachineObservation(machine.ProviderMachineId, MachineStatus.Terminated, $"Process {id.Pid} exited without being released. {MachineRecords.Tail(_records.StandardErrorLog(id.ShortId))}".TrimEnd());
    }

    private async Task<IReadOnlyList<LocalProcessMachineId>> WaitForExitAsync(IReadOnlyList<LocalProcessMachineId> ids, TimeSpan within, CancellationToken cancellationToken)
    {
        var alive = ids.ToList();
        var deadline = _context.TimeProvider.GetUtcNow() + within;
        while (alive.Count > 0)
        {
            alive.RemoveAll(static id => !ProcessLiveness.IsAlive(id.Pid, id.StartTime));
            if (alive.Count == 0 || _context.TimeProvider.GetUtcNow() >= deadline)
            {
                break;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        return alive;
    }

    private static string? FindProgram(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? program : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }
}
