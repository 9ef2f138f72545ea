using HostFactory.Application.Common;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HostFactory.Application.Requests.Common;

/// <summary>What a return did.</summary>
/// <param name="Request">The return request, as saved last.</param>
/// <param name="Claimed">The machines this return took and released, as saved last.</param>
/// <param name="Skipped">The machines it left alone: already returning or terminated (here, or by the time it tried).</param>
internal sealed record ReturnOutcome(Request Request, IReadOnlyList<Machine> Claimed, IReadOnlyList<Machine> Skipped);

/// <summary>
/// The one place machines are released through their providers (grouped per provider, each outcome recorded), in two
/// ways. <see cref="ReturnAsync"/> gives back machines Host Factory may hold (its own return, a cancel): a <c>ret-</c>
/// request is saved and each machine is claimed for it first, so a machine already returning or terminated is never
/// released twice. <see cref="DiscardAsync"/> releases machines Host Factory never received (they never became usable
/// before their request ended, or nobody asked for them): no return request, and they stay failures of their request.
/// A return whose process died before it finished is taken up again by <see cref="ResumeAsync"/>: releases are
/// idempotent, so a machine released but not yet recorded is released again and recorded.
/// </summary>
internal sealed class MachineReturner(
    IRequestStore requests,
    IMachineStore machines,
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
        return await ReleaseForAsync(request, eligible, skipped, null, cancellationToken);
    }

    /// <summary>
    /// When the call that saved the pending return <paramref name="request"/> can no longer be running: its last
    /// change plus the longest call any of its machines' providers can make, plus
    /// <see cref="ApplicationOptions.InterruptedCallGrace"/>.
    /// </summary>
    public async Task<DateTimeOffset> InterruptedAtAsync(Request request, CancellationToken cancellationToken)
    {
        var longest = TimeSpan.Zero;
        foreach (var machine in await LoadAsync(request, cancellationToken))
        {
            if (providers.TryGet(machine.ProviderName, out _) && providers.LongestCall(machine.ProviderName) is var call && call > longest)
            {
                longest = call;
            }
        }

        return request.UpdatedAt + longest + options.Value.InterruptedCallGrace;
    }

    /// <summary>
    /// Finishes the pending return <paramref name="request"/> whose call was interrupted: claims it with a versioned
    /// save (so one process does this), claims the machines the interrupted call had not claimed yet, releases every
    /// machine it claimed that is not terminated (again, if the interrupted call had released it without recording
    /// that) and records the outcomes.
    /// </summary>
    /// <returns>What was done; null when another process claimed the request first.</returns>
    public async Task<ReturnOutcome?> ResumeAsync(Request request, CancellationToken cancellationToken)
    {
        request.ClaimForRecovery(nextAttempt: false, clock);
        try
        {
            await requests.SaveAsync(request, cancellationToken);
        }
        catch (ConcurrencyException)
        {
            return null;
        }

        var named = await LoadAsync(request, cancellationToken);
        var outcome = await ReleaseForAsync(
            request,
            named.Where(m => m.ReturnRequestId == request.Id || CanBeReturned(m)).ToList(),
            named.Where(m => m.ReturnRequestId != request.Id && !CanBeReturned(m)).ToList(),
            "The call that made this return was interrupted; it was resumed and its machines released.",
            cancellationToken);
        Log.ReturnResumed(logger, request.Id.ToString(), outcome.Claimed.Count);
        return outcome;
    }

    private async Task<List<Machine>> LoadAsync(Request request, CancellationToken cancellationToken)
    {
        var named = new List<Machine>(request.MachineIds.Count);
        foreach (var id in request.MachineIds)
        {
            if (await machines.FindAsync(id, cancellationToken) is { } machine)
            {
                named.Add(machine);
            }
        }

        return named;
    }

    /// <summary>
    /// Claims <paramref name="eligible"/> for the saved return <paramref name="request"/> (a machine it already claimed
    /// stays claimed), releases those it holds and are not terminated, records each outcome, and moves the request on
    /// with <paramref name="message"/> (null keeps its message).
    /// </summary>
    private async Task<ReturnOutcome> ReleaseForAsync(Request request, List<Machine> eligible, List<Machine> skipped, string? message, CancellationToken cancellationToken)
    {
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
            if (current.ReturnRequestId != request.Id)
            {
                skipped.Add(current);
            }
            else if (current.Status != MachineStatus.Terminated)
            {
                // A machine an interrupted call released and recorded before it died is terminated: nothing to do.
                claimed.Add(current);
            }
        }

        var released = await ReleaseAsync(claimed, (m, outcome) => RecordReturn(m, request.Id, outcome), cancellationToken);
        foreach (var machine in released)
        {
            states[machine.Id] = machine.ToSnapshot();
        }

        var saved = await writer.UpdateAsync(request, r =>
        {
            if (r.Status == RequestStatus.Pending)
            {
                r.BeginReleasing(clock, message);
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

    /// <summary>
    /// Releases machines that were never handed to Host Factory. A machine the provider lets go ends terminated; one it
    /// refuses to release and that has not failed yet is marked failed with the provider's message, so it stops counting
    /// as active and the operator sees why. <paramref name="reason"/> becomes the message of a machine that has none.
    /// </summary>
    public async Task<IReadOnlyList<Machine>> DiscardAsync(IReadOnlyList<Machine> machines, string reason, CancellationToken cancellationToken)
    {
        var candidates = machines.DistinctBy(m => m.Id).Where(CanBeReturned).ToList();
        return await ReleaseAsync(candidates, (m, outcome) => RecordDiscard(m, outcome, reason), cancellationToken);
    }

    private async Task<List<Machine>> ReleaseAsync(List<Machine> machines, Func<Machine, MachineReleaseOutcome, bool> record, CancellationToken cancellationToken)
    {
        var updated = new List<Machine>(machines.Count);
        foreach (var group in machines.GroupBy(m => m.ProviderName, StringComparer.Ordinal))
        {
            var members = group.ToList();
            var outcomes = await CallReleaseAsync(group.Key, members, cancellationToken);
            foreach (var machine in members)
            {
                var outcome = outcomes.GetValueOrDefault(machine.ProviderMachineId)
                    ?? new MachineReleaseOutcome(machine.ProviderMachineId, ReleaseOutcome.Failed, $"Provider '{group.Key}' gave no outcome for this machine.");
                if (outcome.Outcome == ReleaseOutcome.Failed)
                {
                    Log.ReleaseRefused(logger, group.Key, machine.Id.ToString(), outcome.Message ?? string.Empty);
                }

                var current = await writer.UpdateAsync(machine, m => record(m, outcome), cancellationToken);
                updated.Add(current ?? machine);
            }
        }

        return updated;
    }

    private async Task<Dictionary<string, MachineReleaseOutcome>> CallReleaseAsync(string providerName, List<Machine> machines, CancellationToken cancellationToken)
    {
        var answer = await ProviderCall.TryAsync(
            providers, providerName, "release the machine",
            (provider, token) => provider.ReleaseAsync(machines.ConvertAll(m => m.ToProviderMachine()), token),
            logger, cancellationToken);

        // A provider that could not be asked refused every machine, with the reason.
        return answer.Problem is { } problem
            ? machines.ToDictionary(m => m.ProviderMachineId, m => new MachineReleaseOutcome(m.ProviderMachineId, ReleaseOutcome.Failed, problem), StringComparer.Ordinal)
            : answer.Value!.Outcomes
                .GroupBy(o => o.ProviderMachineId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    private bool RecordReturn(Machine machine, RequestId returnRequestId, MachineReleaseOutcome outcome)
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
            case ReleaseOutcome.Releasing:
                return ShutDown(machine, outcome.Message);
            case ReleaseOutcome.Failed when machine.ReturnRequestId == returnRequestId:
                machine.AbandonReturn(Or(outcome.Message, "The provider refused to release the machine."), clock);
                return true;
            default:
                return false;
        }
    }

    private bool RecordDiscard(Machine machine, MachineReleaseOutcome outcome, string reason)
    {
        if (machine.Status == MachineStatus.Terminated)
        {
            return false;
        }

        // Keep the message that says why the machine failed, if it has one.
        var message = machine.Message.Length > 0 ? null : reason;
        switch (outcome.Outcome)
        {
            case ReleaseOutcome.Released or ReleaseOutcome.AlreadyGone:
                machine.ApplyProviderStatus(MachineStatus.Terminated, message, clock);
                return true;
            case ReleaseOutcome.Releasing:
                return ShutDown(machine, message);
            case ReleaseOutcome.Failed when machine.Status != MachineStatus.Failed && MachineTransitions.IsAllowed(machine.Status, MachineStatus.Failed):
                machine.MarkFailed($"{reason} Releasing it failed: {Or(outcome.Message, "the provider refused.")}", clock);
                return true;
            default:
                return false;
        }
    }

    private bool ShutDown(Machine machine, string? message)
    {
        if (machine.Status == MachineStatus.ShuttingDown || !MachineTransitions.IsAllowed(machine.Status, MachineStatus.ShuttingDown))
        {
            return false;
        }

        machine.ApplyProviderStatus(MachineStatus.ShuttingDown, message, clock);
        return true;
    }

    private static string Or(string? text, string fallback) => string.IsNullOrWhiteSpace(text) ? fallback : text;
}
