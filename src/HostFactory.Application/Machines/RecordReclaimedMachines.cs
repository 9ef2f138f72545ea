using HostFactory.Application.Common;
using HostFactory.Application.Diagnostics;
using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;

namespace HostFactory.Application.Machines;

/// <summary>
/// Records that providers took machines back on their own (a spot reclaim, a machine terminated outside Host Factory,
/// one lost): each machine named is marked terminated with the reason (<c>Machine.MarkReclaimed</c>), so it stops
/// counting against its template's limit and later <see cref="GetReturnRequests"/> calls report it without asking the
/// provider again. Feed it the machines <see cref="GetReturnRequests"/> reports with a grace period of 0 (already
/// gone). A machine that is already terminated, or being returned (its return records the outcome), is left alone.
/// </summary>
/// <param name="Machines">The machines and why each is gone; 1 to 10000.</param>
public sealed record RecordReclaimedMachines(IReadOnlyList<ReclaimedMachineReport> Machines) : ICommand<RecordReclaimedMachinesResult>, IValidatable
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        foreach (var error in InputRules.List(nameof(Machines), Machines, InputRules.MaxMachinesPerCall, required: true))
        {
            yield return error;
        }

        for (var i = 0; Machines is not null && i < Machines.Count; i++)
        {
            if (Machines[i] is not { } report)
            {
                yield return new ValidationError($"{nameof(Machines)}[{i}]", "a machine is required.");
                continue;
            }

            foreach (var error in InputRules.MachineId($"{nameof(Machines)}[{i}].{nameof(ReclaimedMachineReport.MachineId)}", report.MachineId))
            {
                yield return error;
            }

            if (string.IsNullOrWhiteSpace(report.Reason) || report.Reason.Length > InputRules.MaxTextLength)
            {
                yield return new ValidationError($"{nameof(Machines)}[{i}].{nameof(ReclaimedMachineReport.Reason)}", $"a reason of 1 to {InputRules.MaxTextLength} characters is required.");
            }
        }
    }
}

/// <summary>One machine a provider took back.</summary>
/// <param name="MachineId">Our machine id (<c>m-…</c>).</param>
/// <param name="Reason">Why it is gone; becomes the machine's message.</param>
public sealed record ReclaimedMachineReport(string MachineId, string Reason);

/// <summary>What <see cref="RecordReclaimedMachines"/> did.</summary>
/// <param name="Recorded">The machines now marked terminated, in the order named.</param>
/// <param name="Skipped">The machines left alone: unknown, already terminated, or being returned.</param>
public sealed record RecordReclaimedMachinesResult(IReadOnlyList<MachineId> Recorded, IReadOnlyList<MachineId> Skipped);

/// <summary>Handles <see cref="RecordReclaimedMachines"/>.</summary>
[CommandHandler]
internal sealed class RecordReclaimedMachinesHandler(IMachineStore machines, AggregateWriter writer, TimeProvider clock)
    : ICommandHandler<RecordReclaimedMachines, RecordReclaimedMachinesResult>
{
    public async ValueTask<RecordReclaimedMachinesResult> HandleAsync(RecordReclaimedMachines command, CancellationToken cancellationToken)
    {
        var recorded = new List<MachineId>();
        var skipped = new List<MachineId>();
        foreach (var report in command.Machines.DistinctBy(r => r.MachineId, StringComparer.Ordinal))
        {
            var id = MachineId.Parse(report.MachineId);
            var machine = await machines.FindAsync(id, cancellationToken);
            var marked = false;
            if (machine is not null)
            {
                // Decided again on every attempt: after a conflict the reloaded machine may have been returned meanwhile.
                await writer.UpdateAsync(machine, m =>
                {
                    marked = m.Status != MachineStatus.Terminated && !m.IsReturning;
                    if (marked)
                    {
                        m.MarkReclaimed(report.Reason, clock);
                    }

                    return marked;
                }, cancellationToken);
            }

            if (marked)
            {
                ProvisioningMetrics.MachineReclaimed(machine!);
            }

            (marked ? recorded : skipped).Add(id);
        }

        return new RecordReclaimedMachinesResult(recorded, skipped);
    }
}
