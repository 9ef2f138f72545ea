using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;

namespace HostFactory.Application.Requests;

/// <summary>
/// Cancels an unfinished acquire request and returns every machine made for it that is not already returning or
/// terminated, through a <c>ret-</c> request, so nothing is leaked. Refused with
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
/// <param name="ReturnRequestId">The return request that released its machines; null when it had none to release.</param>
/// <param name="ReturnedMachines">The machines released.</param>
/// <param name="Message">What happened.</param>
public sealed record CancelRequestResult(RequestId RequestId, RequestId? ReturnRequestId, IReadOnlyList<MachineId> ReturnedMachines, string Message);

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
        var toReturn = made.Where(m => !m.IsReturning && m.Status != MachineStatus.Terminated).ToList();
        if (toReturn.Count == 0)
        {
            return new CancelRequestResult(id, null, [], $"Request '{id}' was cancelled; it had no machine to return.");
        }

        var outcome = await returner.ReturnAsync(toReturn, cancellationToken);
        var returned = outcome.Claimed.Select(m => m.Id).ToList();
        return new CancelRequestResult(id, outcome.Request.Id, returned,
            $"Request '{id}' was cancelled; {returned.Count} machine(s) are being returned by '{outcome.Request.Id}'.");
    }
}
