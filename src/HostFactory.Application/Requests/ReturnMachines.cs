using HostFactory.Application.Common;
using HostFactory.Application.Requests.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;

namespace HostFactory.Application.Requests;

/// <summary>
/// Gives machines back (<c>requestReturnMachines</c>): by host name and/or machine id, any mix, from any requests.
/// Always creates a <c>ret-</c> request. Names that match no machine are reported in the message, not refused; a
/// machine already returning or terminated is not released again, nor is one named twice. The claimed machines are
/// released through their providers and each outcome is recorded; the request completes at once when nothing is left
/// to wait for (message <c>No active machine.</c> when there was nothing to release).
/// </summary>
/// <param name="Machines">The machines to return; 1 to 10000 entries, each with a name or a machine id.</param>
public sealed record ReturnMachines(IReadOnlyList<MachineReference> Machines) : ICommand<ReturnMachinesResult>, IValidatable
{
    /// <summary>The message of a return that found nothing to release.</summary>
    public const string NoActiveMachine = "No active machine.";

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        var errors = InputRules.List(nameof(Machines), Machines, InputRules.MaxMachinesPerCall, required: true).ToList();
        return errors.Count > 0 ? errors : MachineReference.Validate(nameof(Machines), Machines!);
    }
}

/// <summary>What <see cref="ReturnMachines"/> did.</summary>
/// <param name="RequestId">The new return request.</param>
/// <param name="Status">Its status now: Releasing, or already finished.</param>
/// <param name="Message">What happened, for the protocol's <c>message</c>.</param>
/// <param name="Returned">The machines this return took and released.</param>
/// <param name="AlreadyReturningOrTerminated">Named machines left alone because they were already returning or terminated.</param>
/// <param name="Unknown">The references that matched no machine.</param>
public sealed record ReturnMachinesResult(
    RequestId RequestId,
    RequestStatus Status,
    string Message,
    IReadOnlyList<MachineId> Returned,
    IReadOnlyList<MachineId> AlreadyReturningOrTerminated,
    IReadOnlyList<string> Unknown);

/// <summary>Handles <see cref="ReturnMachines"/>.</summary>
[CommandHandler]
internal sealed class ReturnMachinesHandler(IMachineReader reader, IMachineStore machines, MachineReturner returner)
    : ICommandHandler<ReturnMachines, ReturnMachinesResult>
{
    public async ValueTask<ReturnMachinesResult> HandleAsync(ReturnMachines command, CancellationToken cancellationToken)
    {
        var lookup = await MachineLocator.ResolveAsync(reader, command.Machines, cancellationToken);
        var candidates = new List<Machine>(lookup.Found.Count);
        foreach (var found in lookup.Found)
        {
            if (await machines.FindAsync(found.Id, cancellationToken) is { } machine)
            {
                candidates.Add(machine);
            }
        }

        var outcome = await returner.ReturnAsync(candidates, cancellationToken);
        var returned = outcome.Claimed.Select(m => m.Id).ToList();
        var skipped = outcome.Skipped.Select(m => m.Id).ToList();
        return new ReturnMachinesResult(
            outcome.Request.Id, outcome.Request.Status, Describe(outcome, lookup.Unknown), returned, skipped, lookup.Unknown);
    }

    private static string Describe(ReturnOutcome outcome, IReadOnlyList<string> unknown)
    {
        var parts = new List<string>
        {
            outcome.Claimed.Count == 0 ? ReturnMachines.NoActiveMachine : $"Return of {outcome.Claimed.Count} machine(s) started.",
        };
        if (outcome.Skipped.Count > 0)
        {
            parts.Add($"Already returning or terminated: {string.Join(", ", outcome.Skipped.Select(Name))}.");
        }

        if (unknown.Count > 0)
        {
            parts.Add($"Unknown machine(s): {string.Join(", ", unknown)}.");
        }

        if (outcome.Request.Message.Length > 0)
        {
            parts.Add(outcome.Request.Message);
        }

        return string.Join(" ", parts);
    }

    private static string Name(Machine machine) => machine.HostName.Length > 0 ? machine.HostName : machine.Id.ToString();
}
