using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Templates;

/// <summary>One template with its live numbers; null when no template has that id.</summary>
/// <param name="TemplateId">The template id.</param>
public sealed record GetTemplate(string TemplateId) : IQuery<TemplateSummary?>, IValidatable
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate() => InputRules.TemplateId(nameof(TemplateId), TemplateId);
}

/// <summary>Answers <see cref="GetTemplate"/> from the read side.</summary>
[QueryHandler]
internal sealed class GetTemplateHandler(ITemplateReader templates, IRequestReader requests, IMachineReader machines)
    : IQueryHandler<GetTemplate, TemplateSummary?>
{
    public async ValueTask<TemplateSummary?> HandleAsync(GetTemplate query, CancellationToken cancellationToken)
    {
        var id = new TemplateId(query.TemplateId);
        var template = await templates.GetAsync(id, cancellationToken);
        if (template is null)
        {
            return null;
        }

        var pending = (await TemplateCapacity.PendingByTemplateAsync(requests, machines, id, cancellationToken)).GetValueOrDefault(id);
        return await TemplateSummary.CreateAsync(template, pending, machines, cancellationToken);
    }
}
