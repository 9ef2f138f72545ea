using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Templates;

/// <summary>
/// What a template's <c>maxNumber</c> is spent on: its active machines, and the machines its pending acquire requests
/// asked for and do not have yet (the provider is making them). <c>requestMachines</c> refuses what does not fit
/// both; <c>getAvailableTemplates</c> reports the same room.
/// </summary>
internal static class TemplateCapacity
{
    // The largest page a request reader returns.
    private const int PageSize = 1000;

    /// <summary>The template's active and pending machines, read so that nothing moving on meanwhile is missed.</summary>
    /// <remarks>
    /// Pending requests first, active machines second. A request's machines are saved before it leaves pending, so
    /// whatever moves on between the two reads is counted twice rather than missed: the other order let a request that
    /// moved on in between count as neither.
    /// </remarks>
    public static async Task<(int Active, int Pending)> UseOfAsync(TemplateId id, IRequestReader requests, IMachineReader machines, CancellationToken cancellationToken)
    {
        var pending = (await PendingByTemplateAsync(requests, machines, id, cancellationToken)).GetValueOrDefault(id);
        var active = await machines.CountActiveByTemplateAsync(id, cancellationToken);
        return (active, pending);
    }

    /// <summary>
    /// Machines pending acquire requests asked for and have not been made yet, by template: every template's, or only
    /// <paramref name="only"/>'s. Machines already made for such a request are active, so they are left out here.
    /// </summary>
    public static async Task<IReadOnlyDictionary<TemplateId, int>> PendingByTemplateAsync(
        IRequestReader requests, IMachineReader machines, TemplateId? only, CancellationToken cancellationToken)
    {
        var pending = new Dictionary<TemplateId, int>();
        Page<RequestSnapshot> page;
        var offset = 0;
        do
        {
            page = await requests.ListAsync(new RequestFilter(RequestKind.Acquire, RequestStatus.Pending, only, offset, PageSize), cancellationToken);
            foreach (var request in page.Items)
            {
                var made = await machines.ListByRequestAsync(request.Id, cancellationToken);
                var missing = Math.Max(0, request.RequestedCount - made.Count(m => m.RequestId == request.Id && m.Status.IsActive));
                if (request.TemplateId is { } templateId && missing > 0)
                {
                    pending[templateId] = pending.GetValueOrDefault(templateId) + missing;
                }
            }

            offset += page.Items.Count;
        }
        while (page.Items.Count > 0 && offset < page.Total);

        return pending;
    }
}
