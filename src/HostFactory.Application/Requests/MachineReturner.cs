using HostFactory.Application.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HostFactory.Application.Requests;

/// <summary>What a return did.</summary>
/// <param name="Request">The return request, as saved last.</param>
/// <param name="Claimed">The machines this return took and released, as saved last.</param>
/// <param name="Skipped">The machines it left alone: already returning or terminated (here, or by the time it tried).</param>
internal sealed record ReturnOutcome(Request Request, IReadOnlyList<Machine> Claimed, IReadOnlyList<Machine> Skipped);

/// <summary>
/// The one way machines are given back, whoever asks (Host Factory's return, a cancel, a timeout, machines a
/// provider made for a request that no longer wants them): a <c>ret-</c> request is saved, each machine is claimed
/// for it (a machine already returning or terminated is never released twice), the claimed machines are released
/// through their providers, grouped per provider, and each outcome is recorded.
/// </summary>
internal sealed class MachineReturner(
    IMachineProviderRegistry providers,
    AggregateWriter writer,
    IOptions<ApplicationOptions> options,
    TimeProvider clock,
    ILogger<MachineReturner> logger)
{
    /// <summary>Returns <paramref name="candidates"/>; always saves a return request, even when none can be returned.</summary>
    public async Task<ReturnOutcome> ReturnAsync(IReadOnlyList<Machine> candidates, CancellationToken cancellationToken)
    {
        var distinct = candidates.DistinctBy(m => m.Id).ToList();
        var eligible = distinct.Where(CanBeReturned).ToList();
        var skipped = distinct.Where(m => !CanBeReturned(m)).ToList();
        var request = Request.CreateReturn(eligible.ConvertAll(m => m.Id), options.Value.DefaultRequestTimeout, clock);
        await writer.InsertAsync(request, cancellationToken);

        // Claim before releasing: the claim's version check is what stops two processes releasing one machine.
        var states = new Dictionary<MachineId, MachineSnapshot>();
        var claimed = new List<Machine>();
        foreach (var machine in eligible)
        {
            var current = await writer.UpdateAsync(machine, m => Claim(m, request.Id), cancellationToken);
            if (current is null)
            {
                continue;
            }

            states[current.Id] = current.ToSnapshot();
            if (current.ReturnRequestId == request.Id)
            {
                claimed.Add(current);
            }
            else
            {
                skipped.Add(current);
            }
        }

        var released = await ReleaseAsync(request.Id, claimed, cancellationToken);
        foreach (var machine in released)
        {
            states[machine.Id] = machine.ToSnapshot();
        }

        var saved = await writer.UpdateAsync(request, r =>
        {
            if (r.Status == RequestStatus.Pending)
            {
                r.BeginReleasing(clock);
            }

            RequestProgress.Advance(r, states.Values, clock);
            return true;
        }, cancellationToken);
        return new ReturnOutcome(saved ?? request, released, skipped);
    }

    private static bool CanBeReturned(Machine machine) => !machine.IsReturning && machine.Status != MachineStatus.Terminated;

    private bool Claim(Machine machine, RequestId returnRequestId)
    {
        if (!CanBeReturned(machine))
        {
            return false;
        }

        machine.BeginReturn(returnRequestId, clock);
        return true;
    }

    private async Task<List<Machine>> ReleaseAsync(RequestId returnRequestId, List<Machine> claimed, CancellationToken cancellationToken)
    {
        var updated = new List<Machine>(claimed.Count);
        foreach (var group in claimed.GroupBy(m => m.ProviderName, StringComparer.Ordinal))
        {
            var machines = group.ToList();
            var outcomes = await CallReleaseAsync(group.Key, machines, cancellationToken);
            foreach (var machine in machines)
            {
                var outcome = outcomes.GetValueOrDefault(machine.ProviderMachineId)
                    ?? new MachineReleaseOutcome(machine.ProviderMachineId, ReleaseOutcome.Failed, $"Provider '{group.Key}' gave no outcome for this machine.");
                if (outcome.Outcome == ReleaseOutcome.Failed)
                {
                    Log.ReleaseRefused(logger, group.Key, machine.Id.ToString(), outcome.Message ?? string.Empty);
                }

                var current = await writer.UpdateAsync(machine, m => Record(m, returnRequestId, outcome), cancellationToken);
                updated.Add(current ?? machine);
            }
        }

        return updated;
    }

    private async Task<Dictionary<string, MachineReleaseOutcome>> CallReleaseAsync(string providerName, List<Machine> machines, CancellationToken cancellationToken)
    {
        string error;
        if (providers.TryGet(providerName, out var provider))
        {
            try
            {
                var result = await provider.ReleaseAsync(machines.ConvertAll(m => m.ToProviderMachine()), cancellationToken);
                return result.Outcomes
                    .GroupBy(o => o.ProviderMachineId, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.ProviderCallFailed(logger, exception, providerName, "release machines", exception.Message);
                error = $"Provider '{providerName}' failed to release the machine: {exception.Message}";
            }
        }
        else
        {
            error = $"Provider '{providerName}' is not configured, so the machine cannot be released.";
        }

        return machines.ToDictionary(
            m => m.ProviderMachineId,
            m => new MachineReleaseOutcome(m.ProviderMachineId, ReleaseOutcome.Failed, error),
            StringComparer.Ordinal);
    }

    private bool Record(Machine machine, RequestId returnRequestId, MachineReleaseOutcome outcome)
    {
        if (machine.Status == MachineStatus.Terminated)
        {
            return false;
        }

        switch (outcome.Outcome)
        {
            case ReleaseOutcome.Released:
                machine.MarkTerminated(clock);
                return true;
            case ReleaseOutcome.AlreadyGone:
                machine.ApplyProviderStatus(MachineStatus.Terminated, Or(outcome.Message, "The provider no longer knew the machine."), clock);
                return true;
            case ReleaseOutcome.Releasing when machine.Status != MachineStatus.ShuttingDown && MachineTransitions.IsAllowed(machine.Status, MachineStatus.ShuttingDown):
                machine.ApplyProviderStatus(MachineStatus.ShuttingDown, outcome.Message, clock);
                return true;
            case ReleaseOutcome.Failed when machine.ReturnRequestId == returnRequestId:
                machine.AbandonReturn(Or(outcome.Message, "The provider refused to release the machine."), clock);
                return true;
            default:
                return false;
        }
    }

    private static string Or(string? text, string fallback) => string.IsNullOrWhiteSpace(text) ? fallback : text;
}
