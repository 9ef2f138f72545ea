using HostFactory.Domain.Common;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Machines;

/// <summary>Read-side access to machines; returns snapshots, never aggregates. Lists are ordered by CreatedAt then id.</summary>
public interface IMachineReader
{
    /// <summary>The machine with that id, or null.</summary>
    Task<MachineSnapshot?> GetAsync(MachineId id, CancellationToken cancellationToken);

    /// <summary>The machines of a request (made for an acquire request, or being returned by a return request).</summary>
    Task<IReadOnlyList<MachineSnapshot>> ListByRequestAsync(RequestId id, CancellationToken cancellationToken);

    /// <summary>Every machine recorded under that host name.</summary>
    Task<IReadOnlyList<MachineSnapshot>> FindByHostNameAsync(string hostName, CancellationToken cancellationToken);

    /// <summary>How many machines of the template are active (neither Terminated nor Failed).</summary>
    Task<int> CountActiveByTemplateAsync(TemplateId id, CancellationToken cancellationToken);

    /// <summary>One page of the machines matching <paramref name="filter"/>.</summary>
    Task<Page<MachineSnapshot>> ListAsync(MachineFilter filter, CancellationToken cancellationToken);
}
