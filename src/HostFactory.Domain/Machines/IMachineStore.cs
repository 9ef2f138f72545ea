using HostFactory.Domain.Common;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Machines;

/// <summary>
/// Write-side persistence of machines with optimistic concurrency. Safe to use from several
/// processes at once: a lost update surfaces as <see cref="ConcurrencyException"/>, never silently.
/// </summary>
public interface IMachineStore
{
    /// <summary>Loads a machine, or null when none has that id.</summary>
    Task<Machine?> FindAsync(MachineId id, CancellationToken cancellationToken);

    /// <summary>Every machine recorded under that host name (host names can be reused), ordered by CreatedAt then id.</summary>
    Task<IReadOnlyList<Machine>> FindByHostNameAsync(string hostName, CancellationToken cancellationToken);

    /// <summary>
    /// The machines of a request, ordered by CreatedAt then id: those made for it when it is an
    /// acquire request, those being returned by it when it is a return request.
    /// </summary>
    Task<IReadOnlyList<Machine>> ListByRequestAsync(RequestId id, CancellationToken cancellationToken);

    /// <summary>How many machines of the template are active (neither Terminated nor Failed).</summary>
    Task<int> CountActiveByTemplateAsync(TemplateId id, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts the machine when its <see cref="AggregateRoot{TId}.Version"/> is 0, otherwise
    /// updates it if the stored version still equals it; then calls
    /// <see cref="AggregateRoot{TId}.MarkPersisted"/> with the new version.
    /// </summary>
    /// <exception cref="ConcurrencyException">Inserting an id that exists, or the stored version differs.</exception>
    Task SaveAsync(Machine machine, CancellationToken cancellationToken);

    /// <summary>
    /// Saves several machines all or nothing, with the same version rules as <see cref="SaveAsync"/>:
    /// if any is refused none is written and none is marked persisted.
    /// </summary>
    /// <exception cref="ConcurrencyException">Any machine is refused.</exception>
    Task SaveManyAsync(IReadOnlyList<Machine> machines, CancellationToken cancellationToken);
}
