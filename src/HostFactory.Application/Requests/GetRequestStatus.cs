using HostFactory.Application.Common;
using HostFactory.Application.Requests.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;

namespace HostFactory.Application.Requests;

/// <summary>
/// The state of many requests at once (<c>getRequestStatus</c>), acquire and return alike. Read-only: it reports what
/// the last <see cref="SyncRequests"/> recorded. Each answer already carries Host Factory's words, so an edge prints it
/// as is. An id that is malformed or unknown gets an answer of its own with status <c>complete_with_error</c> and a
/// message naming it; it never fails the call.
/// </summary>
/// <param name="RequestIds">The ids asked about; 1 to 10000. Repeated ids are answered once.</param>
public sealed record GetRequestStatus(IReadOnlyList<string> RequestIds) : IQuery<IReadOnlyList<RequestStatusEntry>>, IValidatable
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate() =>
        InputRules.List(nameof(RequestIds), RequestIds, InputRules.MaxRequestIdsPerCall, required: true);
}

/// <summary>The answer for one request id.</summary>
/// <param name="RequestId">The id as asked.</param>
/// <param name="Status">Host Factory's request status: <c>running</c>, <c>complete</c> or <c>complete_with_error</c>.</param>
/// <param name="Message">Why it ended as it did, or why it could not be answered; may be empty.</param>
/// <param name="Request">The request; null when the id is malformed or unknown.</param>
/// <param name="Machines">Its machines, in the order the request records them.</param>
public sealed record RequestStatusEntry(
    string RequestId,
    string Status,
    string Message,
    RequestSnapshot? Request,
    IReadOnlyList<MachineStatusEntry> Machines)
{
    /// <summary>True when the request exists.</summary>
    public bool Found => Request is not null;
}

/// <summary>One machine of a request, with the words Host Factory sees.</summary>
/// <param name="Machine">The machine (ids, host name, addresses, launch time, provider extras). Its <c>Id</c> is the protocol's <c>machineId</c>.</param>
/// <param name="Result">Host Factory's result for this request: <c>executing</c>, <c>succeed</c> or <c>fail</c>.</param>
/// <param name="Status">Host Factory's machine status word, or null when the protocol has none for it (leave the field out).</param>
/// <param name="Message">What happened; never empty when <paramref name="Result"/> is <c>fail</c>.</param>
public sealed record MachineStatusEntry(MachineSnapshot Machine, string Result, string? Status, string Message);

/// <summary>Answers <see cref="GetRequestStatus"/> from the read side.</summary>
[QueryHandler]
internal sealed class GetRequestStatusHandler(IRequestReader requests, IMachineReader machines)
    : IQueryHandler<GetRequestStatus, IReadOnlyList<RequestStatusEntry>>
{
    public async ValueTask<IReadOnlyList<RequestStatusEntry>> HandleAsync(GetRequestStatus query, CancellationToken cancellationToken)
    {
        var entries = new List<RequestStatusEntry>(query.RequestIds.Count);
        foreach (var text in query.RequestIds.Distinct(StringComparer.Ordinal))
        {
            entries.Add(await AnswerAsync(text, cancellationToken));
        }

        return entries;
    }

    private async Task<RequestStatusEntry> AnswerAsync(string? text, CancellationToken cancellationToken)
    {
        if (!RequestId.TryParse(text, out var id))
        {
            return new RequestStatusEntry(text ?? string.Empty, HostFactoryWords.CompleteWithError,
                $"'{text}' is not a request id ('req-' or 'ret-' followed by a lowercase UUID).", null, []);
        }

        var request = await requests.GetAsync(id, cancellationToken);
        if (request is null)
        {
            return new RequestStatusEntry(id.Value, HostFactoryWords.CompleteWithError, $"Request '{id}' does not exist.", null, []);
        }

        var machineEntries = (await LoadMachinesAsync(request, cancellationToken)).ConvertAll(machine =>
        {
            var result = RequestProgress.MachineResult(request.Kind, machine);
            return new MachineStatusEntry(machine, result, HostFactoryWords.MachineStatusWord(machine.Status), RequestProgress.MachineMessage(machine, result));
        });
        return new RequestStatusEntry(id.Value, HostFactoryWords.RequestStatus(request.Status), request.Message, request, machineEntries);
    }

    /// <summary>The request's machines as snapshots (see <see cref="RequestProgress.NamedMachinesAsync"/>).</summary>
    private async Task<List<MachineSnapshot>> LoadMachinesAsync(RequestSnapshot request, CancellationToken cancellationToken) =>
        await RequestProgress.NamedMachinesAsync(
            request.MachineIds,
            await machines.ListByRequestAsync(request.Id, cancellationToken),
            m => m.Id,
            id => machines.GetAsync(id, cancellationToken));
}
