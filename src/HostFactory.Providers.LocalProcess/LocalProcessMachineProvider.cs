using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
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
/// </summary>
[MachineProvider(BuiltInTypeName, OptionsType = typeof(LocalProcessProviderOptions))]
public sealed class LocalProcessMachineProvider : IMachineProvider
{
    /// <summary>The provider type name.</summary>
    public const string BuiltInTypeName = "local-process";

    // The launcher shell backgrounds a session leader that writes its own pid before exec'ing the command,
    // so the pid is the command's whether or not setsid had to fork. The pid file appears atomically (mv).
    private const string LauncherScript =
        "out=$1; err=$2; pidfile=$3; shift 3; "
        + "setsid /bin/sh -c 'echo $$ > \"$0.tmp\" && mv \"$0.tmp\" \"$0\" && exec \"$@\"' \"$pidfile\" \"$@\" </dev/null >>\"$out\" 2>>\"$err\" &";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan PidFileWait = TimeSpan.FromSeconds(5);

    private readonly ProviderContext _context;
    private readonly LocalProcessProviderOptions _options;
    private readonly ILogger _logger;
    private readonly string _machinesDirectory;
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
        _machinesDirectory = Path.Combine(context.StateDirectory, "machines");
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

            try
            {
                made.Add(await StartAsync(request, command, workingDirectory, environment, cancellationToken));
            }
            catch (Exception exception) when (exception is MachineProviderException or IOException or TimeoutException or OperationCanceledException or UnauthorizedAccessException)
            {
                var why = $"Starting machine {i + 1} of {request.Count} failed: {exception.Message}";
                return made.Count == 0 ? ProvisionResult.Failure(why) : ProvisionResult.Partial(made, why);
            }
        }

        return ProvisionResult.Success(made);
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

            MarkReleased(id);
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
                && !ProcFs.IsAlive(id.Pid, id.StartTime)
                && !File.Exists(ReleasedMarker(id)))
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

    private async Task<ProvisionedMachine> StartAsync(
        ProvisionRequest request,
        IReadOnlyList<string> command,
        string? workingDirectory,
        IReadOnlyDictionary<string, string>? environment,
        CancellationToken cancellationToken)
    {
        var shortId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var directory = Path.Combine(_machinesDirectory, shortId);
        Directory.CreateDirectory(directory);
        var hostName = $"{_hostName}-{shortId}";
        var pidFile = Path.Combine(directory, "pid");

        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["HOSTFACTORY_MACHINE_NAME"] = hostName,
            ["HOSTFACTORY_REQUEST_ID"] = request.RequestId.ToString(),
            ["HOSTFACTORY_TEMPLATE_ID"] = request.Template.Id.Value,
        };
        string[] argv = ["/bin/sh", "-c", LauncherScript, "hostfactory-launch", Path.Combine(directory, "stdout.log"), Path.Combine(directory, "stderr.log"), pidFile, .. command];
        var launched = await ExternalCommand.RunAsync(argv, null, TimeSpan.FromSeconds(10), cancellationToken, workingDirectory ?? directory, variables);
        if (launched.ExitCode != 0)
        {
            throw new MachineProviderException($"the launcher shell exited with code {launched.ExitCode}: {launched.StandardErrorTail(500)}");
        }

        var pid = await ReadPidAsync(pidFile, cancellationToken);
        if (!ProcFs.TryRead(pid, out var stat))
        {
            throw new MachineProviderException($"process {pid} exited at once; see {Path.Combine(directory, "stderr.log")}: {ReadTail(Path.Combine(directory, "stderr.log"))}");
        }

        var id = new LocalProcessMachineId(shortId, pid, stat.StartTime);
        LocalProcessLog.Started(_logger, hostName, pid, request.RequestId.ToString());
        return new ProvisionedMachine(
            id.ToString(),
            hostName,
            _options.IpAddress,
            PublicIpAddress: null,
            _context.TimeProvider.GetUtcNow(),
            MachineStatus.Running,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["pid"] = pid.ToString(CultureInfo.InvariantCulture),
                ["startTime"] = stat.StartTime.ToString(CultureInfo.InvariantCulture),
                ["directory"] = directory,
            },
            InstanceType: "local-process",
            CloudHostId: id.ToString());
    }

    private static async Task<int> ReadPidAsync(string pidFile, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + PidFileWait;
        while (true)
        {
            if (File.Exists(pidFile)
                && int.TryParse(await File.ReadAllTextAsync(pidFile, cancellationToken), NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var pid))
            {
                return pid;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the machine process did not write {pidFile} within {PidFileWait.TotalSeconds} s");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private MachineObservation Describe(ProviderMachine machine)
    {
        if (!LocalProcessMachineId.TryParse(machine.ProviderMachineId, out var id))
        {
            return new MachineObservation(machine.ProviderMachineId, MachineStatus.Terminated, "Not a local-process machine id; nothing to observe.");
        }

        var released = ReleasedAt(id);
        if (ProcFs.IsAlive(id.Pid, id.StartTime))
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
            : new MachineObservation(machine.ProviderMachineId, MachineStatus.Terminated, $"Process {id.Pid} exited without being released. {ReadTail(Path.Combine(_machinesDirectory, id.ShortId, "stderr.log"))}".TrimEnd());
    }

    private async Task<IReadOnlyList<LocalProcessMachineId>> WaitForExitAsync(IReadOnlyList<LocalProcessMachineId> ids, TimeSpan within, CancellationToken cancellationToken)
    {
        var alive = ids.ToList();
        var deadline = _context.TimeProvider.GetUtcNow() + within;
        while (alive.Count > 0)
        {
            alive.RemoveAll(static id => !ProcFs.IsAlive(id.Pid, id.StartTime));
            if (alive.Count == 0 || _context.TimeProvider.GetUtcNow() >= deadline)
            {
                break;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        return alive;
    }

    private void MarkReleased(LocalProcessMachineId id)
    {
        var marker = ReleasedMarker(id);
        if (!File.Exists(marker))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
            File.WriteAllText(marker, _context.TimeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        }
    }

    private DateTimeOffset? ReleasedAt(LocalProcessMachineId id)
    {
        var marker = ReleasedMarker(id);
        return File.Exists(marker)
            && DateTimeOffset.TryParse(File.ReadAllText(marker), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at
            : null;
    }

    private string ReleasedMarker(LocalProcessMachineId id) => Path.Combine(_machinesDirectory, id.ShortId, "released");

    private static string ReadTail(string path)
    {
        try
        {
            return File.Exists(path) ? ExternalCommand.Tail(File.ReadAllText(path), 300) : string.Empty;
        }
        catch (IOException)
        {
            return string.Empty;
        }
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
