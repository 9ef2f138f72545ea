using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Templates;

/// <summary>Lists templates with how many of their machines are active and how many more may be made (<c>getAvailableTemplates</c>).</summary>
/// <param name="EnabledOnly">Leave out disabled templates, as Host Factory should not see them.</param>
public sealed record ListTemplates(bool EnabledOnly = false) : IQuery<IReadOnlyList<TemplateSummary>>;

/// <summary>A template with its live numbers.</summary>
/// <param name="Template">The template.</param>
/// <param name="ActiveMachines">Its machines that are neither terminated nor failed.</param>
/// <param name="AvailableNumber">
/// How many more machines may be asked for now: <c>maxNumber</c> less the active machines and less
/// <paramref name="PendingMachines"/>; null when unlimited.
/// </param>
/// <param name="PendingMachines">Machines its pending requests asked for and do not have yet.</param>
public sealed record TemplateSummary(TemplateSnapshot Template, int ActiveMachines, int? AvailableNumber, int PendingMachines = 0)
{
    internal static async Task<TemplateSummary> CreateAsync(TemplateSnapshot template, int pending, IMachineReader machines, CancellationToken cancellationToken)
    {
        var active = await machines.CountActiveByTemplateAsync(template.Id, cancellationToken);
        return new TemplateSummary(template, active, Domain.Templates.Template.FromSnapshot(template).AvailableCapacity(active + pending), pending);
    }
}

/// <summary>Answers <see cref="ListTemplates"/> from the read side.</summary>
[QueryHandler]
internal sealed class ListTemplatesHandler(ITemplateReader templates, IRequestReader requests, IMachineReader machines)
    : IQueryHandler<ListTemplates, IReadOnlyList<TemplateSummary>>
{
    public async ValueTask<IReadOnlyList<TemplateSummary>> HandleAsync(ListTemplates query, CancellationToken cancellationToken)
    {
        var all = await templates.ListAsync(cancellationToken);

        // Pending first, then each template's active machines: the order that never misses a request moving on.
        var pending = await TemplateCapacity.PendingByTemplateAsync(requests, machines, null, cancellationToken);
        var summaries = new List<TemplateSummary>(all.Count);
        foreach (var template in all.Where(t => t.Enabled || !query.EnabledOnly))
        {
            summaries.Add(await TemplateSummary.CreateAsync(template, pending.GetValueOrDefault(template.Id), machines, cancellationToken));
        }

        return summaries;
    }
}
