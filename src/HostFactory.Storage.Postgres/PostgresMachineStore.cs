using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Storage.Postgres.Rows;
using HostFactory.Storage.Postgres.Schema;

namespace HostFactory.Storage.Postgres;

/// <summary>
/// Machines in <c>machines</c>, found through its indexes: by request (<c>machines_by_request</c>, or
/// <c>machines_by_return_request</c> for a <c>ret-</c> id), by host name case-insensitively (<c>machines_by_host</c> on
/// <c>host_key</c>), active by template (<c>machines_active_by_template</c>).
/// </summary>
internal sealed class PostgresMachineStore(PostgresDatabase database) : IMachineStore, IMachineReader
{
    private const string CreationOrder = "ORDER BY created_at, id";
    private const int MaxBatch = 500;

    private static readonly MachineRows Rows = MachineRows.Instance;

    public async Task<Machine?> FindAsync(MachineId id, CancellationToken cancellationToken) =>
        await GetAsync(id, cancellationToken) is { } snapshot ? Machine.FromSnapshot(snapshot) : null;

    async Task<IReadOnlyList<Machine>> IMachineStore.FindByHostNameAsync(string hostName, CancellationToken cancellationToken) =>
        [.. (await FindByHostNameAsync(hostName, cancellationToken)).Select(Machine.FromSnapshot)];

    async Task<IReadOnlyList<Machine>> IMachineStore.ListByRequestAsync(RequestId id, CancellationToken cancellationToken) =>
        [.. (await ListByRequestAsync(id, cancellationToken)).Select(Machine.FromSnapshot)];

    public Task SaveAsync(Machine machine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machine);
        return SaveManyAsync([machine], cancellationToken);
    }

    public async Task SaveManyAsync(IReadOnlyList<Machine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        if (machines.Count == 0)
        {
            return;
        }

        var items = machines.Select(machine =>
        {
            ArgumentNullException.ThrowIfNull(machine, nameof(machines));
            return (Snapshot: machine.ToSnapshot(), ExpectedVersion: machine.Version);
        }).ToArray();
        if (items.Select(i => i.Snapshot.Id).Distinct().Count() != items.Length)
        {
            throw new ArgumentException("A machine appears more than once in the batch; save each machine once.", nameof(machines));
        }

        var what = items.Length == 1 ? $"save machine '{items[0].Snapshot.Id}'" : $"save {items.Length} machines";

        // One transaction for all: a refusal (or a failure) anywhere rolls every row back.
        var versions = await database.WriteAsync(what, async (connection, transaction, token) =>
        {
            var stored = new List<long>(items.Length);
            foreach (var chunk in items.Chunk(MaxBatch))
            {
                stored.AddRange(await RowCommands.SaveAsync(Rows, chunk, connection, transaction, token));
            }

            return stored;
        }, cancellationToken);
        for (var i = 0; i < machines.Count; i++)
        {
            machines[i].MarkPersisted(versions[i]);
        }
    }

    public Task<MachineSnapshot?> GetAsync(MachineId id, CancellationToken cancellationToken) =>
        database.ReadAsync($"read machine '{id}'", async (connection, token) =>
            (await RowCommands.ListAsync(Rows, connection, "id = $1", string.Empty, [id.Value], token)).SingleOrDefault(), cancellationToken);

    public Task<IReadOnlyList<MachineSnapshot>> ListByRequestAsync(RequestId id, CancellationToken cancellationToken) =>
        database.ReadAsync($"list the machines of request '{id}'", (connection, token) =>
            RowCommands.ListAsync(Rows, connection, $"{RequestColumn(id)} = $1", CreationOrder, [id.Value], token), cancellationToken);

    public async Task<IReadOnlyList<MachineSnapshot>> FindByHostNameAsync(string hostName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        if (HostNames.IsBlank(hostName))
        {
            // A blank name never matches (HostNames), and a machine without a host name has no key.
            return [];
        }

        var hits = await database.ReadAsync("find machines by host name", (connection, token) =>
            RowCommands.ListAsync(Rows, connection, "host_key = $1", CreationOrder, [HostNames.Key(hostName)], token), cancellationToken);

        // The key narrows to the names that may match; the rule decides.
        return [.. hits.Where(m => HostNames.Match(m.HostName, hostName))];
    }

    public Task<int> CountActiveByTemplateAsync(TemplateId id, CancellationToken cancellationToken) =>
        database.ReadAsync($"count the active machines of template '{id}'", async (connection, token) =>
        {
            await using var command = new Npgsql.NpgsqlCommand($"SELECT count(*) FROM machines WHERE template_id = $1 AND status NOT IN ({Migrations.InactiveMachineStatuses})", connection);
            RowMapping<MachineSnapshot>.Add(command.Parameters, id.Value);
            return (int)(long)(await command.ExecuteScalarAsync(token))!;
        }, cancellationToken);

    public Task<Page<MachineSnapshot>> ListAsync(MachineFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var where = new SqlFilter();
        if (filter.RequestId is { } requestId)
        {
            where.Equal(RequestColumn(requestId), requestId.Value);
        }

        where.Equal("status", filter.Status is { } status ? MachineStatusWords.ToWord(status) : null);
        where.Equal("template_id", filter.TemplateId?.Value);
        return database.ReadAsync("list machines", (connection, token) =>
            RowCommands.PageAsync(Rows, connection, where.Text, where.Arguments, filter.Offset, filter.Limit, token), cancellationToken);
    }

    /// <summary>Every machine, for exports.</summary>
    public IAsyncEnumerable<MachineSnapshot> ScanAsync(CancellationToken cancellationToken) =>
        RowCommands.ScanAsync(database, Rows, "true", cancellationToken);

    /// <summary>A machine belongs to an acquire request by <c>request_id</c> and to a return request by <c>return_request_id</c>.</summary>
    private static string RequestColumn(RequestId id) => id.Kind == RequestKind.Return ? "return_request_id" : "request_id";
}
