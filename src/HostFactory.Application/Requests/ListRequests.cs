using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Requests;

/// <summary>One page of requests, oldest first; null filters match everything.</summary>
/// <param name="Kind">Only acquire or only return requests.</param>
/// <param name="Status">Only requests in this status.</param>
/// <param name="TemplateId">Only acquire requests for this template.</param>
/// <param name="Offset">How many matches to skip; 0 or more.</param>
/// <param name="Limit">The page size; 1 to 1000.</param>
public sealed record ListRequests(
    RequestKind? Kind = null,
    RequestStatus? Status = null,
    string? TemplateId = null,
    int Offset = 0,
    int Limit = 100) : IQuery<Page<RequestSnapshot>>, IValidatable
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate() =>
        InputRules.Defined(nameof(Kind), Kind)
            .Concat(InputRules.Defined(nameof(Status), Status))
            .Concat(InputRules.TemplateId(nameof(TemplateId), TemplateId, required: false))
            .Concat(InputRules.Paging(Offset, Limit));
}

/// <summary>Answers <see cref="ListRequests"/> from the read side.</summary>
[QueryHandler]
internal sealed class ListRequestsHandler(IRequestReader requests) : IQueryHandler<ListRequests, Page<RequestSnapshot>>
{
    public async ValueTask<Page<RequestSnapshot>> HandleAsync(ListRequests query, CancellationToken cancellationToken)
    {
        TemplateId? templateId = query.TemplateId is null ? null : new TemplateId(query.TemplateId);
        return await requests.ListAsync(new RequestFilter(query.Kind, query.Status, templateId, query.Offset, query.Limit), cancellationToken);
    }
}
