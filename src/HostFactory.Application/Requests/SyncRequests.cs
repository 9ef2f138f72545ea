using System.Globalization;
using HostFactory.Application.Common;
using HostFactory.Application.Diagnostics;
using HostFactory.Application.Requests.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using Microsoft.Extensions.Logging;

namespace HostFactory.Application.Requests;

/// <summary>
/// Brings unfinished requests up to date: asks each provider what it sees of their machines, records that on the
/// machines, and moves each request on (see <see cref="SyncRequests"/> remarks). Run it before answering
/// <c>getRequestStatus</c>, or on a timer.
/// </summary>
/// <remarks>
/// An acquire request completes when every machine runs and as many as asked for exist; it completes with errors
/// when every machine reached a final result but some failed or too few were made; it times out at its deadline.
/// Machines of an acquire request that ended without handing them over (still pending, failed) are then returned, so
/// none is leaked. A return request completes when every machine is terminated. A request still pending once its
/// call can no longer be running (its process died between saving it and recording what the provider did) is
/// recovered: an acquire request adopts what the provider made and provisions what is missing under the same key
/// (<see cref="ProvisionRecovery"/>), a return is resumed (<see cref="MachineReturner.ResumeAsync"/>); an acquire
/// request still pending at its deadline fails, and everything made for it is released. A provider that fails to
/// answer is reported in the summary; the request is left for the next sync.
/// </remarks>
/// <param name="RequestIds">The requests to sync; null or empty for every unfinished request. At most 10000.</param>
public sealed record SyncRequests(IReadOnlyList<string>? RequestIds = null) : ICommand<SyncSummary>, IValidatable
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        foreach (var error in InputRules.List(nameof(RequestIds), RequestIds, InputRules.MaxRequestIdsPerCall, required: false))
        {
            yield return error;
        }

        for (var i = 0; RequestIds is not null && i < RequestIds.Count; i++)
        {
            foreach (var error in InputRules.RequestId($"{nameof(RequestIds)}[{i}]", RequestIds[i]))
            {
                yield return error;
            }
        }
    }
}

/// <summary>What <see cref="SyncRequests"/> did.</summary>
/// <param name="Requests">One entry per request looked at, in order.</param>
public sealed record SyncSummary(IReadOnlyList<RequestSyncResult> Requests)
{
    /// <summary>How many requests changed status.</summary>
    public int Changed => Requests.Count(r => r.Changed);
}

/// <summary>What syncing one request did.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="Found">False when no request has that id.</param>
/// <param name="Before">Its status before; null when not found.</param>
/// <param name="After">Its status after; null when not found.</param>
/// <param name="Problems">Provider failures met, one sentence each.</param>
public sealed record RequestSyncResult(RequestId RequestId, bool Found, RequestStatus? Before, RequestStatus? After, IReadOnlyList<string> Problems)
{
    /// <summary>True when the status changed.</summary>
    public bool Changed => Before != After;
}

/// <summary>Handles <see cref="SyncRequests"/>.</summary>
[CommandHandler]
internal sealed class SyncRequestsHandler(
    IRequestStore requests,
    IMachineStore machines,
    IMachineProviderRegistry providers,
    AggregateWriter writer,
    MachineReturner returner,
    ProvisionRecovery recovery,
    TimeProvider clock,
    ILogger<SyncRequestsHandler> logger)
    : ICommandHandler<SyncRequests, SyncSummary>
{
    public async ValueTask<SyncSummary> HandleAsync(SyncRequests command, CancellationToken cancellationToken)
    {
        var ids = command.RequestIds is { Count: > 0 } given
            ? given.Select(RequestId.Parse).Distinct().ToList()
            : await requests.ListUnfinishedAsync(cancellationToken);
        var results = new List<RequestSyncResult>(ids.Count);
        foreach (var id in ids)
        {
            results.Add(await SyncAsync(id, cancellationToken));
        }

        return new SyncSummary(results);
    }

    private async Task<RequestSyncResult> SyncAsync(RequestId id, CancellationToken cancellationToken)
    {
        var request = await requests.FindAsync(id, cancellationToken);
        if (request is null)
        {
            return new RequestSyncResult(id, false, null, null, []);
        }

        var before = request.Status;
        var problems = new List<string>();
        if (request.IsFinished)
        {
            return new RequestSyncResult(id, true, before, before, problems);
        }

        Request? saved;
        if (request.Status == RequestStatus.Pending)
        {
            saved = await SyncPendingAsync(request, cancellationToken) ?? await requests.FindAsync(id, cancellationToken);
        }
        else
        {
            var current = await ObserveAsync(request, problems, cancellationToken);
            saved = await writer.UpdateAsync(request, r =>
            {
                r.RecordSync(clock);
                RequestProgress.Advance(r, current.ConvertAll(m => m.ToSnapshot()), clock);
                return true;
            }, cancellationToken);
            if (saved is { Kind: RequestKind.Acquire, IsFinished: true } && saved.Status != RequestStatus.Completed)
            {
                await DiscardUndeliveredAsync(saved, current, cancellationToken);
            }
        }

        return new RequestSyncResult(id, true, before, saved?.Status, problems);
    }

    /// <summary>
    /// A pending request is one whose call is between saving it and recording what the provider did. While that call
    /// can still be running it is left alone. Once it cannot (<see cref="ProvisionRecovery.InterruptedAtAsync"/>), its
    /// process died: an acquire request is recovered (what the provider made is adopted, what is missing provisioned
    /// under the same key), a return is resumed. An acquire request still pending at its deadline fails, and everything
    /// made for it is released.
    /// </summary>
    /// <returns>The request as saved; null when another process moved it on first.</returns>
    private async Task<Request?> SyncPendingAsync(Request request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (request.Kind == RequestKind.Return)
        {
            // Never failed: a return left unfinished would leave the machines it claimed running.
            return now >= await returner.InterruptedAtAsync(request, cancellationToken)
                ? (await returner.ResumeAsync(request, cancellationToken))?.Request
                : request;
        }

        if (request.IsPastDeadline(now))
        {
            var deadline = request.Deadline.ToString("u", CultureInfo.InvariantCulture);
            return await recovery.AbandonAsync(request, $"The request was never handed to the provider before its deadline {deadline}; the process handling it stopped.", cancellationToken);
        }

        return await recovery.InterruptedAtAsync(request, cancellationToken) is { } interrupted && now >= interrupted
            ? (await recovery.RecoverAsync(request, problem => $"The call that made the request was interrupted, and asking the provider again made no machine: {problem}", cancellationToken))?.Request
            : request;
    }

    /// <summary>Asks the providers about the request's machines that are not terminated and records what they say.</summary>
    private async Task<List<Machine>> ObserveAsync(Request request, List<string> problems, CancellationToken cancellationToken)
    {
        var current = await LoadMachinesAsync(request, cancellationToken);
        var live = current.Where(m => m.Status != MachineStatus.Terminated).ToList();
        foreach (var group in live.GroupBy(m => m.ProviderName, StringComparer.Ordinal))
        {
            var observations = await DescribeAsync(group.Key, group.ToList(), problems, cancellationToken);
            foreach (var machine in group)
            {
                if (!observations.TryGetValue(machine.ProviderMachineId, out var observation))
                {
                    continue;
                }

                // Read first: the writer applies the change to this very copy.
                var before = machine.Status;
                var updated = await writer.UpdateAsync(machine, m => Observe(m, observation), cancellationToken);
                if (updated is not null)
                {
                    ProvisioningMetrics.MachineCameUp(request, before, updated);
                    current[current.FindIndex(m => m.Id == machine.Id)] = updated;
                }
            }
        }

        return current;
    }

    /// <summary>The request's machines as aggregates (see <see cref="RequestProgress.NamedMachinesAsync"/>).</summary>
    private async Task<List<Machine>> LoadMachinesAsync(Request request, CancellationToken cancellationToken) =>
        await RequestProgress.NamedMachinesAsync(
            request.MachineIds,
            await machines.ListByRequestAsync(request.Id, cancellationToken),
            m => m.Id,
            id => machines.FindAsync(id, cancellationToken));

    private async Task<Dictionary<string, MachineObservation>> DescribeAsync(
        string providerName, List<Machine> group, List<string> problems, CancellationToken cancellationToken)
    {
        var answer = await ProviderCall.TryAsync(
            providers, providerName, $"describe {group.Count} machine(s)",
            (provider, token) => provider.DescribeAsync(group.ConvertAll(m => m.ToProviderMachine()), token),
            logger, cancellationToken);
        if (answer.Problem is { } problem)
        {
            problems.Add(problem);
            return [];
        }

        return answer.Value!
            .GroupBy(o => o.ProviderMachineId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
    }

    private bool Observe(Machine machine, MachineObservation observation)
    {
        var before = machine.ToSnapshot();
        try
        {
            switch (observation.Status)
            {
                case MachineStatus.Running:
                    machine.MarkRunning(observation.HostName, observation.PrivateIpAddress, observation.PublicIpAddress, clock);
                    break;
                case MachineStatus.Failed when machine.Status != MachineStatus.Failed:
                    machine.MarkFailed(string.IsNullOrWhiteSpace(observation.Message) ? "The provider reported the machine failed." : observation.Message, clock);
                    break;
                default:
                    machine.ApplyProviderStatus(observation.Status, observation.Message, clock);
                    break;
            }
        }
        catch (InvalidStateTransitionException exception)
        {
            // A provider may report a move our state machine does not allow (e.g. a failed machine running again);
            // the machine keeps its state rather than the whole sync failing.
            Log.ObservationIgnored(logger, machine.Id.ToString(), exception.Message);
            return false;
        }

        return machine.ToSnapshot() != before;
    }

    /// <summary>
    /// Releases the machines of a request that ended without handing them to Host Factory: those not running (a
    /// running machine was reported <c>succeed</c> and is Host Factory's to return).
    /// </summary>
    private async Task DiscardUndeliveredAsync(Request request, List<Machine> current, CancellationToken cancellationToken)
    {
        var undelivered = current
            .Where(m => m.Status != MachineStatus.Terminated && !m.IsReturning && m.Status != MachineStatus.Running)
            .ToList();
        if (undelivered.Count > 0)
        {
            var reason = $"The request ended ({RequestStatusWords.ToWord(request.Status)}) before the machine was usable; it was released.";
            Log.DiscardingUnwantedMachines(logger, undelivered.Count, request.Id.ToString(), reason);
            await returner.DiscardAsync(undelivered, reason, cancellationToken);
        }
    }
}
