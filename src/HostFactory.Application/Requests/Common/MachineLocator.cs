using HostFactory.Domain.Machines;

namespace HostFactory.Application.Requests.Common;

/// <summary>The machines a list of <see cref="MachineReference"/> names, found through the read side.</summary>
/// <param name="Found">Each machine found, once, in the order first named.</param>
/// <param name="Unknown">The references that matched no machine, as text.</param>
internal sealed record MachineLookup(IReadOnlyList<MachineSnapshot> Found, IReadOnlyList<string> Unknown);

/// <summary>Finds machines by our id, the provider's id or host name (host names can be reused; the live one wins).</summary>
internal static class MachineLocator
{
    public static async Task<MachineLookup> ResolveAsync(IMachineReader reader, IReadOnlyList<MachineReference> references, CancellationToken cancellationToken)
    {
        var found = new List<MachineSnapshot>();
        var seen = new HashSet<MachineId>();
        var unknown = new List<string>();
        IReadOnlyList<MachineSnapshot>? everything = null;
        foreach (var reference in references)
        {
            MachineSnapshot? hit = null;
            if (!string.IsNullOrWhiteSpace(reference.MachineId))
            {
                if (MachineId.TryParse(reference.MachineId, out var id))
                {
                    hit = await reader.GetAsync(id, cancellationToken);
                }
                else
                {
                    // The provider's own id: narrowed by host name when given, else (rarely) a scan of every machine.
                    var candidates = !string.IsNullOrWhiteSpace(reference.Name)
                        ? await reader.FindByHostNameAsync(reference.Name, cancellationToken)
                        : everything ??= await ListAllAsync(reader, cancellationToken);
                    hit = Pick(candidates.Where(m => string.Equals(m.ProviderMachineId, reference.MachineId, StringComparison.Ordinal)));
                }
            }

            if (hit is null && !string.IsNullOrWhiteSpace(reference.Name))
            {
                hit = Pick(await reader.FindByHostNameAsync(reference.Name, cancellationToken));
            }

            if (hit is null)
            {
                unknown.Add(reference.ToString());
            }
            else if (seen.Add(hit.Id))
            {
                found.Add(hit);
            }
        }

        return new MachineLookup(found, unknown);
    }

    /// <summary>Every machine we hold, page by page.</summary>
    public static async Task<IReadOnlyList<MachineSnapshot>> ListAllAsync(IMachineReader reader, CancellationToken cancellationToken)
    {
        var all = new List<MachineSnapshot>();
        const int PageSize = 1000;
        while (true)
        {
            var page = await reader.ListAsync(new MachineFilter(null, null, null, all.Count, PageSize), cancellationToken);
            all.AddRange(page.Items);
            if (page.Items.Count < PageSize || all.Count >= page.Total)
            {
                return all;
            }
        }
    }

    /// <summary>Of machines sharing a name or id, the one Host Factory most likely means: live and not returning, then live, then the newest.</summary>
    private static MachineSnapshot? Pick(IEnumerable<MachineSnapshot> candidates)
    {
        var list = candidates.ToList();
        return list.LastOrDefault(m => m.Status != MachineStatus.Terminated && m.ReturnRequestId is null)
            ?? list.LastOrDefault(m => m.Status != MachineStatus.Terminated)
            ?? list.LastOrDefault();
    }
}
