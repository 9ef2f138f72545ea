using HostFactory.Application.Diagnostics;
using HostFactory.Application.Templates;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Machines;

/// <summary>
/// Counts every template's machines by state and the room left under its limit, and reports both on the gauges
/// <see cref="HostFactoryDiagnostics.MachineCountInstrument"/> and <see cref="HostFactoryDiagnostics.CapacityRemainingInstrument"/>.
/// A long-lived host runs it on a timer (the reconciler does, while someone listens to the gauges).
/// </summary>
public sealed record TakeMachineCensus : IQuery<MachineCensus>;

/// <summary>What <see cref="TakeMachineCensus"/> counted.</summary>
/// <param name="Templates">One entry per template, in the store's order.</param>
public sealed record MachineCensus(IReadOnlyList<TemplateCensus> Templates);

/// <summary>One template's machines.</summary>
/// <param name="TemplateId">The template.</param>
/// <param name="ByState">Its machines per state; every state is present, most with 0.</param>
/// <param name="CapacityRemaining">How many more machines it may have now (its pending requests' included); null when unlimited.</param>
public sealed record TemplateCensus(TemplateId TemplateId, IReadOnlyDictionary<MachineStatus, int> ByState, int? CapacityRemaining);

/// <summary>Answers <see cref="TakeMachineCensus"/> from the read side and records the gauges.</summary>
[QueryHandler]
internal sealed class TakeMachineCensusHandler(ITemplateReader templates, IRequestReader requests, IMachineReader machines)
    : IQueryHandler<TakeMachineCensus, MachineCensus>
{
    public async ValueTask<MachineCensus> HandleAsync(TakeMachineCensus query, CancellationToken cancellationToken)
    {
        var all = await templates.ListAsync(cancellationToken);
        var pending = await TemplateCapacity.PendingByTemplateAsync(requests, machines, null, cancellationToken);
        var census = new List<TemplateCensus>(all.Count);
        foreach (var template in all)
        {
            var byState = new Dictionary<MachineStatus, int>();
            foreach (var state in Enum.GetValues<MachineStatus>())
            {
                // Only the total is wanted: one row is the smallest page a reader returns.
                var page = await machines.ListAsync(new MachineFilter(null, state, template.Id, 0, 1), cancellationToken);
                byState[state] = page.Total;
                HostFactoryDiagnostics.MachineCount.Record(
                    page.Total,
                    new KeyValuePair<string, object?>(HostFactoryDiagnostics.TemplateTag, template.Id.Value),
                    new KeyValuePair<string, object?>(HostFactoryDiagnostics.MachineStateTag, MachineStatusWords.ToWord(state)));
            }

            var summary = await TemplateSummary.CreateAsync(template, pending.GetValueOrDefault(template.Id), machines, cancellationToken);
            if (summary.AvailableNumber is { } remaining)
            {
                HostFactoryDiagnostics.CapacityRemaining.Record(
                    remaining, new KeyValuePair<string, object?>(HostFactoryDiagnostics.TemplateTag, template.Id.Value));
            }

            census.Add(new TemplateCensus(template.Id, byState, summary.AvailableNumber));
        }

        return new MachineCensus(census);
    }
}
