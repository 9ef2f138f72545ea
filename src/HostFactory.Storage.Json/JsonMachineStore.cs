using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Storage.Json.Documents;

namespace HostFactory.Storage.Json;

/// <summary>
/// Machines as <c>machines/&lt;id&gt;.json</c>, findable through three indexes (by host name, by request, active by
/// template). Every index hit is checked against the machine's file, so entries left by an interrupted save are
/// skipped rather than believed.
/// </summary>
internal sealed class JsonMachineStore(JsonStorage storage) : IMachineStore, IMachineReader
{
    private static readonly MachineFiles Kind = MachineFiles.Instance;

    public Task<Machine?> FindAsync(MachineId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Load(id.Value) is { } snapshot ? Machine.FromSnapshot(snapshot) : null);
    }

    async Task<IReadOnlyList<Machine>> IMachineStore.FindByHostNameAsync(string hostName, CancellationToken cancellationToken) =>
        [.. (await FindByHostNameAsync(hostName, cancellationToken)).Select(Machine.FromSnapshot)];

    async Task<IReadOnlyList<Machine>> IMachineStore.ListByRequestAsync(RequestId id, CancellationToken cancellationToken) =>
        [.. (await ListByRequestAsync(id, cancellationToken)).Select(Machine.FromSnapshot)];

    public async Task SaveAsync(Machine machine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var snapshot = machine.ToSnapshot();
        var id = FileNames.CheckId(Kind.IdKind, snapshot.Id.Value);
        var version = await storage.SaveAsync(Kind, id, machine.Version, v => DocumentMapper.ToDocument(snapshot, v), cancellationToken);
        machine.MarkPersisted(version);
    }

    public async Task SaveManyAsync(IReadOnlyList<Machine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        if (machines.Count == 0)
        {
            return;
        }

        if (machines.Count == 1)
        {
            await SaveAsync(machines[0], cancellationToken);
            return;
        }

        var items = machines.Select(machine =>
        {
            ArgumentNullException.ThrowIfNull(machine, nameof(machines));
            var snapshot = machine.ToSnapshot();
            return (Id: FileNames.CheckId(Kind.IdKind, snapshot.Id.Value), ExpectedVersion: machine.Version, Build: (Func<long, MachineDocument>)(v => DocumentMapper.ToDocument(snapshot, v)));
        }).ToArray();
        if (items.Select(i => i.Id).Distinct(StringComparer.Ordinal).Count() != items.Length)
        {
            throw new ArgumentException("A machine appears more than once in the batch; save each machine once.", nameof(machines));
        }

        var versions = await storage.SaveBatchAsync(items, cancellationToken);
        for (var i = 0; i < machines.Count; i++)
        {
            machines[i].MarkPersisted(versions[i]);
        }
    }

    public Task<MachineSnapshot?> GetAsync(MachineId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Load(id.Value));
    }

    public Task<IReadOnlyList<MachineSnapshot>> ListByRequestAsync(RequestId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var requestId = FileNames.CheckId("request id", id.Value);
        return Task.FromResult(Ordered(ByRequest(requestId)));
    }

    public Task<IReadOnlyList<MachineSnapshot>> FindByHostNameAsync(string hostName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        cancellationToken.ThrowIfCancellationRequested();
        if (HostNames.IsBlank(hostName))
        {
            // A blank name never matches (HostNames), and machines without a host name are not indexed by it.
            return Task.FromResult<IReadOnlyList<MachineSnapshot>>([]);
        }

        // Entries live under the name's key; a store written before host names matched ignoring case also has entries
        // under the name as it was recorded, found here when asked for in that same spelling (RepairAsync moves them).
        var hits = new[] { FileNames.HostKey(hostName), FileNames.EscapeHostName(hostName) }
            .Distinct(StringComparer.Ordinal)
            .SelectMany(key => FromIndex($"{StorageLayout.MachinesByHost}/{key}"))
            .DistinctBy(m => m.Id)
            .Where(m => HostNames.Match(m.HostName, hostName));
        return Task.FromResult(Ordered(hits));
    }

    public Task<int> CountActiveByTemplateAsync(TemplateId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ActiveOf(FileNames.CheckId("template id", id.Value)).Count());
    }

    public Task<Page<MachineSnapshot>> ListAsync(MachineFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellationToken.ThrowIfCancellationRequested();

        // Narrow through an index when the filter allows it; otherwise this is the one query that reads every file.
        var candidates =
            filter.RequestId is { } requestId ? ByRequest(FileNames.CheckId("request id", requestId.Value))
            : filter.TemplateId is { } templateId && filter.Status is { } wanted && wanted.IsActive ? ActiveOf(FileNames.CheckId("template id", templateId.Value))
            : storage.ListIds(Kind).Select(Load).OfType<MachineSnapshot>();
        var matches = Ordered(candidates.Where(m =>
            (filter.RequestId is not { } request || m.RequestId == request || m.ReturnRequestId == request)
            && (filter.Status is not { } status || m.Status == status)
            && (filter.TemplateId is not { } template || m.TemplateId == template)));
        return Task.FromResult(new Page<MachineSnapshot>([.. matches.Skip(filter.Offset).Take(filter.Limit)], matches.Count, filter.Offset, filter.Limit));
    }

    private IEnumerable<MachineSnapshot> ByRequest(string requestId) =>
        FromIndex($"{StorageLayout.MachinesByRequest}/{requestId}")
            .Where(m => m.RequestId.Value == requestId || m.ReturnRequestId?.Value == requestId);

    private IEnumerable<MachineSnapshot> ActiveOf(string templateId) =>
        FromIndex($"{StorageLayout.ActiveMachinesByTemplate}/{templateId}")
            .Where(m => m.TemplateId.Value == templateId && m.Status.IsActive);

    private IEnumerable<MachineSnapshot> FromIndex(string relativeDirectory) =>
        storage.ListIndex(relativeDirectory).Select(Load).OfType<MachineSnapshot>();

    private static IReadOnlyList<MachineSnapshot> Ordered(IEnumerable<MachineSnapshot> machines) =>
        [.. machines.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id.Value, StringComparer.Ordinal)];

    private MachineSnapshot? Load(string? id)
    {
        var checkedId = FileNames.CheckId(Kind.IdKind, id);
        return storage.Read(Kind, checkedId) is { } document ? DocumentMapper.ToSnapshot(document) : null;
    }
}
