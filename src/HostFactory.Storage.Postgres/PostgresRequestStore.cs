using HostFactory.Domain.Common;
using HostFactory.Domain.Requests;
using HostFactory.Storage.Postgres.Rows;
using HostFactory.Storage.Postgres.Schema;

namespace HostFactory.Storage.Postgres;

/// <summary>Requests in <c>requests</c>; the unfinished ones are found through the partial index <c>requests_unfinished</c>.</summary>
internal sealed class PostgresRequestStore(PostgresDatabase database) : IRequestStore, IRequestReader
{
    private static readonly RequestRows Rows = RequestRows.Instance;

    public async Task<Request?> FindAsync(RequestId id, CancellationToken cancellationToken) =>
        await GetAsync(id, cancellationToken) is { } snapshot ? Request.FromSnapshot(snapshot) : null;

    public async Task SaveAsync(Request request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var snapshot = request.ToSnapshot();
        var expected = request.Version;
        var versions = await database.WriteAsync($"save request '{snapshot.Id}'", (connection, transaction, token) =>
            RowCommands.SaveAsync(Rows, [(snapshot, expected)], connection, transaction, token), cancellationToken);
        request.MarkPersisted(versions[0]);
    }

    public Task<IReadOnlyList<RequestId>> ListUnfinishedAsync(CancellationToken cancellationToken) =>
        database.ReadAsync("list the unfinished requests", async (connection, token) =>
        {
            await using var command = new Npgsql.NpgsqlCommand($"SELECT id FROM requests WHERE status IN ({Migrations.UnfinishedRequestStatuses}) ORDER BY created_at, id", connection);
            await using var reader = await command.ExecuteReaderAsync(token);
            var ids = new List<RequestId>();
            while (await reader.ReadAsync(token))
            {
                ids.Add(RequestId.Parse(reader.GetString(0)));
            }

            return (IReadOnlyList<RequestId>)ids;
        }, cancellationToken);

    public Task<RequestSnapshot?> GetAsync(RequestId id, CancellationToken cancellationToken) =>
        database.ReadAsync($"read request '{id}'", async (connection, token) =>
            (await RowCommands.ListAsync(Rows, connection, "id = $1", string.Empty, [id.Value], token)).SingleOrDefault(), cancellationToken);

    public Task<Page<RequestSnapshot>> ListAsync(RequestFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var where = new SqlFilter();
        where.Equal("kind", filter.Kind is { } kind ? RequestKindWords.ToWord(kind) : null);
        where.Equal("status", filter.Status is { } status ? RequestStatusWords.ToWord(status) : null);
        where.Equal("template_id", filter.TemplateId?.Value);
        return database.ReadAsync("list requests", (connection, token) =>
            RowCommands.PageAsync(Rows, connection, where.Text, where.Arguments, filter.Offset, filter.Limit, token), cancellationToken);
    }

    /// <summary>Every request, for exports.</summary>
    public IAsyncEnumerable<RequestSnapshot> ScanAsync(CancellationToken cancellationToken) =>
        RowCommands.ScanAsync(database, Rows, "true", cancellationToken);
}
