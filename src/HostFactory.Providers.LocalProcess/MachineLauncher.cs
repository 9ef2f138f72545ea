using HostFactory.Common;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Abstractions;

namespace HostFactory.Providers.LocalProcess;

/// <summary>
/// Starts one machine process under a provision key, and finds the machines a key started: a machine is recorded
/// (<see cref="MachineRecords"/>) before its launcher runs, so no machine runs without a record of its key, and the
/// launcher writes the machine's pid and start time before it becomes the command.
/// </summary>
internal sealed class MachineLauncher(MachineRecords records)
{
    // The launcher shell backgrounds a session leader that writes "<pid> <start time>" (field 22 of its /proc stat,
    // read after the last ')') to the pid file before exec'ing the command, so the pair names the command's process
    // for good whether or not setsid had to fork; the file appears whole (mv). The launcher waits for that file (about
    // 5 s at most, less if the leader dies) before it exits: a launcher that exits 0 leaves the pid written, and one
    // killed with its tree (a timeout, a cancellation) mostly takes the machine, not yet detached, with it. Not always:
    // a child forked while the tree is being killed escapes, which is why a start cut short is settled (SettleAsync).
    private const string LauncherScript =
        "out=$1; err=$2; pidfile=$3; shift 3; "
        + "setsid /bin/sh -c 'p=$0; read -r s < /proc/$$/stat; s=${s##*\\)}; t() { shift 19; echo \"$$ $1\" > \"$p.tmp\"; }; "
        + "t $s && mv \"$p.tmp\" \"$p\" && exec \"$@\"' \"$pidfile\" \"$@\" </dev/null >>\"$out\" 2>>\"$err\" & "
        + "i=0; while [ ! -e \"$pidfile\" ] && [ $i -lt 500 ] && kill -0 $! 2>/dev/null; do sleep 0.01; i=$((i+1)); done; [ -e \"$pidfile\" ]";

    private static readonly TimeSpan LaunchTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Starts the machine of <paramref name="record"/> (written already, under the request's key) and returns its process.</summary>
    /// <exception cref="MachineProviderException">The launcher failed, or the process exited at once.</exception>
    /// <exception cref="TimeoutException">The launcher outlived its timeout; its tree was killed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the launcher's tree was killed.</exception>
    public async Task<LocalProcessMachineId> StartAsync(
        ProvisionRequest request,
        MachineRecord record,
        IReadOnlyList<string> command,
        string? workingDirectory,
        IReadOnlyDictionary<string, string>? environment,
        CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["HOSTFACTORY_MACHINE_NAME"] = record.HostName,
            ["HOSTFACTORY_REQUEST_ID"] = request.RequestId.ToString(),
            ["HOSTFACTORY_TEMPLATE_ID"] = request.Template.Id.Value,
        };
        string[] argv = ["/bin/sh", "-c", LauncherScript, "hostfactory-launch", Path.Combine(record.Directory, "stdout.log"), record.StandardErrorLog, record.PidFile, .. command];
        var launched = await ExternalCommand.RunAsync(argv, null, LaunchTimeout, cancellationToken, workingDirectory ?? record.Directory, variables);
        if (launched.ExitCode != 0 || !record.TryReadProcess(out var id))
        {
            throw new MachineProviderException(
                $"the launcher shell exited with code {launched.ExitCode} without writing the machine's pid: {launched.StandardErrorTail(500)} {MachineRecords.Tail(record.StandardErrorLog)}".TrimEnd());
        }

        return ProcessLiveness.IsAlive(id.Pid, id.StartTime)
            ? id
            : throw new MachineProviderException($"process {id.Pid} exited at once; see {record.StandardErrorLog}: {MachineRecords.Tail(record.StandardErrorLog)}");
    }

    /// <summary>
    /// The machines recorded under <paramref name="key"/> that started, alive or not, each settled first
    /// (<see cref="SettleAsync"/>); one that never started is not counted. Call it holding the key's lock, so no live
    /// call of ours is starting machines under the key.
    /// </summary>
    public async Task<IReadOnlyList<(MachineRecord Record, LocalProcessMachineId Id)>> StartedUnderAsync(ProvisionKey key, CancellationToken cancellationToken)
    {
        var started = new List<(MachineRecord, LocalProcessMachineId)>();
        foreach (var record in records.Read(k => k == key))
        {
            if (await SettleAsync(record, cancellationToken) is { } id)
            {
                started.Add((record, id));
            }
        }

        return started;
    }

    /// <summary>
    /// The process of <paramref name="record"/> once no launcher can still write its pid: a record without a pid whose
    /// launcher (or the launcher's child) still runs is waited for, at most the launch timeout, as when a caller died
    /// or a start was cut short with the launcher's child born after its tree was killed.
    /// </summary>
    /// <returns>The process the machine is or was; null when it never started.</returns>
    public static async Task<LocalProcessMachineId?> SettleAsync(MachineRecord record, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + LaunchTimeout;
        LocalProcessMachineId id;
        while (!record.TryReadProcess(out id) && ProcFs.AnyCommandLineHolds(record.PidFile) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(PollInterval, cancellationToken);
        }

        return record.TryReadProcess(out id) ? id : null;
    }
}
