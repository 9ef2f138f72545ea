using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Common;

/// <summary>
/// Reads everything a store holds, for tools that move a whole store elsewhere (<c>hostfactory storage copy</c>). Each
/// list streams every stored aggregate once, in no promised order; a store being written meanwhile may or may not show
/// a change made during the read. Never on the path of a Host Factory call.
/// </summary>
public interface IStoreExport
{
    /// <summary>Every stored template (deleted ones excepted).</summary>
    IAsyncEnumerable<TemplateSnapshot> ReadTemplatesAsync(CancellationToken cancellationToken);

    /// <summary>Every stored request, acquire and return.</summary>
    IAsyncEnumerable<RequestSnapshot> ReadRequestsAsync(CancellationToken cancellationToken);

    /// <summary>Every stored machine.</summary>
    IAsyncEnumerable<MachineSnapshot> ReadMachinesAsync(CancellationToken cancellationToken);
}
