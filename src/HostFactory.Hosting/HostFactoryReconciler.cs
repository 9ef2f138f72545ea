using HostFactory.Application.Diagnostics;
using HostFactory.Application.Machines;
using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Requests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HostFactory.Hosting;

/// <summary>
/// Keeps requests moving in a long-lived host. At start and then every <see cref="ReconcilerOptions.Interval"/> one
/// pass, in a scope of its own: retries stuck provisions (<see cref="RetryStuckProvisions"/>), syncs every unfinished
/// request with its provider (<see cref="SyncRequests"/>: machines that came up complete their request, requests past
/// their deadline time out, requests whose call was interrupted are recovered), records the machines the providers took
/// back (<see cref="GetReturnRequests"/>, then <see cref="RecordReclaimedMachines"/>), and logs the machines providers
/// hold that no request owns (<see cref="ListOrphanMachines"/>; never released on its own); while someone listens to the
/// census gauges, it counts the machines (<see cref="TakeMachineCensus"/>).
/// </summary>
/// <remarks>
/// Nothing is held between passes: every change goes through the same versioned saves and conflict re-runs as a Host
/// Factory call, so the reconciler shares the store with any number of CLI processes (or another reconciler). A step
/// that fails is logged and the others still run; the next pass tries again. The timer is a <see cref="PeriodicTimer"/>
/// on the injected <see cref="TimeProvider"/>, so a test clock drives it.
/// </remarks>
public sealed class HostFactoryReconciler(
    IServiceScopeFactory scopes,
    IOptions<ReconcilerOptions> options,
    TimeProvider clock,
    ILogger<HostFactoryReconciler>? logger = null) : BackgroundService
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private ReconcilerPass? _lastPass;
    private int _completedPasses;

    /// <summary>The last pass that finished; null before the first.</summary>
    public ReconcilerPass? LastPass => Volatile.Read(ref _lastPass);

    /// <summary>How many passes finished since start.</summary>
    public int CompletedPasses => Volatile.Read(ref _completedPasses);

    /// <summary>The settings in force.</summary>
    public ReconcilerOptions Options => options.Value;

    /// <summary>Runs one pass now, as the timer does. Safe beside CLI processes; do not run two passes of one reconciler at once.</summary>
    /// <param name="cancellationToken">Stops the pass between and inside steps.</param>
    /// <returns>What the pass did.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ReconcilerPass> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var startedAt = clock.GetUtcNow();
        var problems = new List<string>();
        int retried = 0, synced = 0, changed = 0, reclaimed = 0, orphans = 0;

        await using (var scope = scopes.CreateAsyncScope())
        {
            var commands = scope.ServiceProvider.GetRequiredService<ICommandBus>();
            var queries = scope.ServiceProvider.GetRequiredService<IQueryBus>();

            if (settings.MaxProvisionRetries > 0)
            {
                await StepAsync("retry stuck provisions", problems, async token =>
                {
                    var result = await commands.ExecuteAsync(new RetryStuckProvisions(settings.ProvisionStaleAfter, settings.MaxProvisionRetries), token);
                    foreach (var retry in result.Retried)
                    {
                        ReconcilerLog.ProvisionRetried(_logger, retry.RequestId.Value, retry.Attempt, retry.Message);
                    }

                    retried = result.Retried.Count;
                }, cancellationToken);
            }

            await StepAsync("sync requests", problems, async token =>
            {
                var summary = await commands.ExecuteAsync(new SyncRequests(), token);
                foreach (var request in summary.Requests)
                {
                    if (request.Changed && request.Before is { } before && request.After is { } after)
                    {
                        ReconcilerLog.RequestMoved(_logger, request.RequestId.Value, RequestStatusWords.ToWord(before), RequestStatusWords.ToWord(after));
                    }

                    Report(problems, request.Problems);
                }

                synced = summary.Requests.Count;
                changed = summary.Changed;
            }, cancellationToken);

            if (settings.RecordReclaimed)
            {
                await StepAsync("record reclaimed machines", problems, async token =>
                {
                    var reported = await queries.ExecuteAsync(new GetReturnRequests(), token);
                    Report(problems, reported.Problems);
                    var gone = reported.Machines.Where(m => m.GracePeriodSeconds == 0).ToList();
                    if (gone.Count == 0)
                    {
                        return;
                    }

                    var recorded = await commands.ExecuteAsync(
                        new RecordReclaimedMachines(gone.ConvertAll(m => new ReclaimedMachineReport(m.MachineId.Value, m.Reason))), token);
                    foreach (var machine in gone.Where(m => recorded.Recorded.Contains(m.MachineId)))
                    {
                        ReconcilerLog.MachineReclaimed(_logger, machine.MachineId.Value, machine.HostName, machine.Reason);
                    }

                    reclaimed = recorded.Recorded.Count;
                }, cancellationToken);
            }

            if (settings.ReportOrphans)
            {
                await StepAsync("report orphan machines", problems, async token =>
                {
                    var found = await queries.ExecuteAsync(new ListOrphanMachines(), token);
                    foreach (var orphan in found.Orphans)
                    {
                        ReconcilerLog.OrphanFound(_logger, orphan.ProviderName, orphan.Machine.ProviderMachineId, orphan.Machine.HostName, orphan.Key.Value, orphan.Reason);
                    }

                    Report(problems, [.. found.Providers.Where(p => p.Failed).Select(p => p.Problem!)]);
                    orphans = found.Orphans.Count;
                }, cancellationToken);
            }

            if (HostFactoryDiagnostics.CensusWanted)
            {
                await StepAsync("take the machine census", problems, async token => await queries.ExecuteAsync(new TakeMachineCensus(), token), cancellationToken);
            }
        }

        var pass = new ReconcilerPass(startedAt, clock.GetUtcNow(), retried, synced, changed, reclaimed, orphans, problems);
        ReconcilerLog.PassDone(_logger, retried, synced, changed, reclaimed, problems.Count);
        Volatile.Write(ref _lastPass, pass);
        Interlocked.Increment(ref _completedPasses);
        return pass;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            ReconcilerLog.Disabled(_logger);
            return;
        }

        ReconcilerLog.Started(_logger, settings.Interval);
        using var timer = new PeriodicTimer(settings.Interval, clock);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private async Task StepAsync(string step, List<string> problems, Func<CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        try
        {
            await run(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // One failing step (a store that is busy, a conflict that kept coming back) must not stop the others or the loop.
            ReconcilerLog.StepFailed(_logger, exception, step);
            problems.Add($"{step} failed: {exception.Message}");
        }
    }

    private void Report(List<string> problems, IReadOnlyList<string> found)
    {
        foreach (var problem in found)
        {
            ReconcilerLog.Problem(_logger, problem);
            problems.Add(problem);
        }
    }
}

/// <summary>What one reconciler pass did.</summary>
/// <param name="StartedAt">When it started.</param>
/// <param name="FinishedAt">When it finished.</param>
/// <param name="Retried">Stuck requests retried.</param>
/// <param name="Synced">Unfinished requests synced.</param>
/// <param name="Changed">Requests whose status changed in the sync.</param>
/// <param name="ReclaimedRecorded">Machines recorded as taken back by their provider.</param>
/// <param name="Orphans">Machines providers hold that no request owns, logged (never released).</param>
/// <param name="Problems">Provider failures and failed steps, one sentence each.</param>
public sealed record ReconcilerPass(
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int Retried,
    int Synced,
    int Changed,
    int ReclaimedRecorded,
    int Orphans,
    IReadOnlyList<string> Problems);
