using HostFactory.Application.Common;
using HostFactory.Application.Requests.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;

namespace HostFactory.Application.Requests;

/// <summary>
/// Cancels an unfinished acquire request and releases every machine made for it that is not already returning or
/// terminated, so nothing is leaked: running machines through a <c>ret-</c> request (Host Factory may hold them),
/// the others directly (they stay failures of the cancelled request). Refused with
/// <see cref="RequestNotFoundException"/> and <see cref="RequestNotCancellableException"/> (already finished).
/// </summary>
/// <param name="RequestId">The acquire (<c>req-</c>) request.</param>
/// <param name="Reason">Why; becomes the request's message. Up to 1000 characters.</param>
public sealed record CancelRequest(string RequestId, string Reason) : ICommand<CancelRequestResult>, IValidatable
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        foreach (var error in InputRules.RequestId(nameof(RequestId), RequestId, RequestKind.Acquire))
        {
            yield return error;
        }

        if (string.IsNullOrWhiteSpace(Reason) || Reason.Length > InputRules.MaxTextLength)
        {
            yield return new ValidationError(nameof(Reason), $"a reason of 1 to {InputRules.MaxTextLength} characters is required.");
        }
    }
}

/// <summary>What <see cref="CancelRequest"/> did.</summary>
/// <param name="RequestId">The cancelled request.</param>
/// <param name="ReturnRequestId">The return request that gives back its running machines; null when none was running.</param>
/// <param name="ReleasedMachines">Every machine released.</param>
/// <param name="Message">What happened.</param>
public sealed record CancelRequestResult(RequestId RequestId, RequestId? ReturnRequestId, IReadOnlyList<MachineId> ReleasedMachines, string Message);

/// <summary>Handles <see cref="CancelRequest"/>.</summary>
[CommandHandler]
internal sealed class CancelRequestHandler(IRequestStore requests, IMachineStore machines, AggregateWriter writer, MachineReturner returner, TimeProvider clock)
    : ICommandHandler<CancelRequest, CancelRequestResult>
{
    public async ValueTask<CancelRequestResult> HandleAsync(CancelRequest command, CancellationToken cancellationToken)
    {
        var id = RequestId.Parse(command.RequestId);
        var request = await requests.FindAsync(id, cancellationToken) ?? throw new RequestNotFoundException(id);
        await writer.UpdateAsync(request, r =>
        {
            if (r.IsFinished)
            {
                throw new RequestNotCancellableException(r.Id, r.Status);
            }

            r.Cancel(command.Reason, clock);
            return true;
        }, cancellationToken);

        var made = await machines.ListByRequestAsync(id, cancellationToken);
        var live = made.Where(m => !m.IsReturning && m.Status != MachineStatus.Terminated).ToList();

        // A running machine may already be Host Factory's (it was reported succeed): it is returned through a ret-
        // request. The others never became usable: they are released and stay failures of the cancelled request.
        var running = live.Where(m => m.Status == MachineStatus.Running).ToList();
        var undelivered = live.Where(m => m.Status != MachineStatus.Running).ToList();
        var discarded = undelivered.Count == 0
            ? []
            : await returner.DiscardAsync(undelivered, $"Request '{id}' was cancelled before the machine was usable; it was released.", cancellationToken);
        var returned = running.Count == 0 ? null : await returner.ReturnAsync(running, cancellationToken);

        var released = discarded.Select(m => m.Id).Concat(returned?.Claimed.Select(m => m.Id) ?? []).ToList();
        var message = returned is null
            ? $"Request '{id}' was cancelled; {released.Count} machine(s) released."
            : $"Request '{id}' was cancelled; {released.Count} machine(s) released, {returned.Claimed.Count} of them through return request '{returned.Request.Id}'.";
        return new CancelRequestResult(id, returned?.Request.Id, released, message);
    }
}
