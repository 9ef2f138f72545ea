using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Machines;

/// <summary>One page of machines, oldest first; null filters match everything.</summary>
/// <param name="RequestId">Only machines of this request: made for it (<c>req-</c>) or returned by it (<c>ret-</c>).</param>
/// <param name="Status">Only machines in this status.</param>
/// <param name="TemplateId">Only machines of this template.</param>
/// <param name="Offset">How many matches to skip; 0 or more.</param>
/// <param name="Limit">The page size; 1 to 1000.</param>
public sealed record ListMachines(
    string? RequestId = null,
    MachineStatus? Status = null,
    string? TemplateId = null,
    int Offset = 0,
    int Limit = 100) : IQuery<Page<MachineSnapshot>>, IValidatable
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate() =>
        (RequestId is null ? [] : InputRules.RequestId(nameof(RequestId), RequestId))
            .Concat(InputRules.Defined(nameof(Status), Status))
            .Concat(InputRules.TemplateId(nameof(TemplateId), TemplateId, required: false))
            .Concat(InputRules.Paging(Offset, Limit));
}

/// <summary>Answers <see cref="ListMachines"/> from the read side.</summary>
[QueryHandler]
internal sealed class ListMachinesHandler(IMachineReader machines) : IQueryHandler<ListMachines, Page<MachineSnapshot>>
{
    public async ValueTask<Page<MachineSnapshot>> HandleAsync(ListMachines query, CancellationToken cancellationToken)
    {
        RequestId? requestId = query.RequestId is null ? null : RequestId.Parse(query.RequestId);
        TemplateId? templateId = query.TemplateId is null ? null : new TemplateId(query.TemplateId);
        return await machines.ListAsync(new MachineFilter(requestId, query.Status, templateId, query.Offset, query.Limit), cancellationToken);
    }
}
