using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Testing;

/// <summary>
/// Machines in memory, behind both <see cref="IMachineStore"/> and <see cref="IMachineReader"/>, with the ports'
/// optimistic concurrency (<see cref="ConcurrencyException"/> on a stale save or a second insert;
/// <see cref="SaveManyAsync"/> all or nothing). A request's machines are those made for it and those it returns; host
/// names match as <see cref="HostNames.Match"/> says, like every store. Thread-safe.
/// </summary>
public sealed class InMemoryMachineStore : IMachineStore, IMachineReader
{
    private readonly VersionedTable<MachineId, MachineSnapshot> _table =
        new("Machine", static s => s.Version, static (s, version) => s with { Version = version });

    /// <summary>How many machines were written so far (a save of several counts each).</summary>
    public int SaveCount => _table.SaveCount;

    /// <summary>How many injected conflicts are still to come.</summary>
    public int PendingConflicts => _table.PendingConflicts;

    /// <summary>
    /// Makes the next <paramref name="count"/> saves of an existing machine (optionally only those
    /// <paramref name="filter"/> accepts) meet a concurrency conflict, as if another process had saved it just before.
    /// </summary>
    /// <param name="count">How many conflicts; 0 cancels any still pending.</param>
    /// <param name="filter">Which machines; all when null.</param>
    public void InjectConflicts(int count, Func<MachineId, bool>? filter = null) => _table.InjectConflicts(count, filter);

    /// <summary>Every stored machine, oldest first (for assertions).</summary>
    public IReadOnlyList<MachineSnapshot> All => Ordered(_table.Where(static _ => true));

    /// <inheritdoc />
    public Task<Machine?> FindAsync(MachineId id, CancellationToken cancellationToken) =>
        Task.FromResult(_table.Get(id) is { } snapshot ? Machine.FromSnapshot(snapshot) : null);

    /// <inheritdoc />
    public Task<IReadOnlyList<Machine>> FindByHostNameAsync(string hostName, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Machine>>(ByHostName(hostName).ConvertAll(Machine.FromSnapshot));

    /// <inheritdoc />
    public Task<IReadOnlyList<Machine>> ListByRequestAsync(RequestId id, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Machine>>(ByRequest(id).ConvertAll(Machine.FromSnapshot));

    /// <inheritdoc />
    public Task<int> CountActiveByTemplateAsync(TemplateId id, CancellationToken cancellationToken) =>
        Task.FromResult(_table.Where(m => m.TemplateId == id && m.Status.IsActive).Count);

    /// <inheritdoc />
    public Task SaveAsync(Machine machine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machine);
        return SaveManyAsync([machine], cancellationToken);
    }

    /// <inheritdoc />
    public Task SaveManyAsync(IReadOnlyList<Machine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        var versions = _table.Save(machines.Select(m => (m.Id, m.Version, m.ToSnapshot())).ToList());
        for (var i = 0; i < machines.Count; i++)
        {
            machines[i].MarkPersisted(versions[i]);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<MachineSnapshot?> GetAsync(MachineId id, CancellationToken cancellationToken) => Task.FromResult(_table.Get(id));

    /// <inheritdoc />
    Task<IReadOnlyList<MachineSnapshot>> IMachineReader.ListByRequestAsync(RequestId id, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MachineSnapshot>>(ByRequest(id));

    /// <inheritdoc />
    Task<IReadOnlyList<MachineSnapshot>> IMachineReader.FindByHostNameAsync(string hostName, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MachineSnapshot>>(ByHostName(hostName));

    /// <inheritdoc />
    public Task<Page<MachineSnapshot>> ListAsync(MachineFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var matches = Ordered(_table.Where(m =>
            (filter.RequestId is not { } requestId || m.RequestId == requestId || m.ReturnRequestId == requestId)
            && (filter.Status is null || m.Status == filter.Status)
            && (filter.TemplateId is null || m.TemplateId == filter.TemplateId)));
        return Task.FromResult(new Page<MachineSnapshot>(matches.Skip(filter.Offset).Take(filter.Limit).ToList(), matches.Count, filter.Offset, filter.Limit));
    }

    private List<MachineSnapshot> ByRequest(RequestId id) => Ordered(_table.Where(m => m.RequestId == id || m.ReturnRequestId == id));

    private List<MachineSnapshot> ByHostName(string hostName) =>
        Ordered(_table.Where(m => HostNames.Match(m.HostName, hostName)));

    private static List<MachineSnapshot> Ordered(IEnumerable<MachineSnapshot> machines) =>
        machines.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id.Value, StringComparer.Ordinal).ToList();
}
