using HostFactory.Common;
using HostFactory.Domain.Common;
using HostFactory.Domain.Templates;
using HostFactory.Storage.Postgres.Rows;
using HostFactory.Storage.Postgres.Schema;
using Npgsql;

namespace HostFactory.Storage.Postgres;

/// <summary>
/// Templates in <c>templates</c>. A delete keeps the row with <c>deleted_at</c> set, so a template re-created under the
/// same id continues its version sequence and a process still holding the deleted one can never overwrite it.
/// </summary>
internal sealed class PostgresTemplateStore(PostgresDatabase database) : ITemplateStore, ITemplateReader
{
    private const string Live = TemplateRows.Live;

    private static readonly TemplateRows Rows = TemplateRows.Instance;

    // Insert, or bring a deleted template back at its next version; a live row is left alone (no row returned).
    private static readonly string InsertOrRevive =
        $"{Rows.Insert} ON CONFLICT (id) DO UPDATE SET version = templates.version + 1, deleted_at = NULL, "
        + string.Join(", ", Rows.Columns.Select(c => $"{c} = EXCLUDED.{c}"))
        + " WHERE templates.deleted_at IS NOT NULL RETURNING version";

    public async Task<Template?> FindAsync(TemplateId id, CancellationToken cancellationToken) =>
        await GetAsync(id, cancellationToken) is { } snapshot ? Template.FromSnapshot(snapshot) : null;

    public async Task SaveAsync(Template template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        var snapshot = template.ToSnapshot();
        var expected = template.Version;
        var version = await database.WriteAsync($"save template '{snapshot.Id}'", async (connection, transaction, token) =>
        {
            if (expected != 0)
            {
                return (await RowCommands.SaveAsync(Rows, [(snapshot, expected)], connection, transaction, token))[0];
            }

            await using var command = new NpgsqlCommand(InsertOrRevive, connection, transaction);
            RowMapping<TemplateSnapshot>.Add(command.Parameters, snapshot.Id.Value);
            RowMapping<TemplateSnapshot>.Add(command.Parameters, 1L);
            Rows.AddValues(command.Parameters, snapshot);
            return await command.ExecuteScalarAsync(token) is long stored
                ? stored
                : throw new ConcurrencyException(Rows.Entity, snapshot.Id.Value, 0, await RowCommands.VersionOfAsync(Rows, snapshot.Id.Value, Live, connection, transaction, token));
        }, cancellationToken);
        template.MarkPersisted(version);
    }

    public Task<IDisposable> LockCapacityAsync(TemplateId id, CancellationToken cancellationToken)
    {
        var templateId = id.Value ?? throw new ArgumentException("default(TemplateId) is not a template id.", nameof(id));

        // Two templates whose ids share a hash merely wait for each other.
        return database.HoldAdvisoryLockAsync(SchemaMigrator.CapacityLockNamespace, unchecked((int)StableHash.Of(templateId)), $"the capacity of template '{templateId}'", cancellationToken);
    }

    public Task DeleteAsync(Template template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        var id = template.Id.Value;
        var expected = template.Version;
        var deletedAt = template.UpdatedAt;
        return database.WriteAsync($"delete template '{id}'", async (connection, transaction, token) =>
        {
            await using var command = new NpgsqlCommand("UPDATE templates SET deleted_at = $3 WHERE id = $1 AND version = $2 AND deleted_at IS NULL", connection, transaction);
            RowMapping<TemplateSnapshot>.Add(command.Parameters, id);
            RowMapping<TemplateSnapshot>.Add(command.Parameters, expected);
            RowMapping<TemplateSnapshot>.AddTime(command.Parameters, deletedAt);
            if (await command.ExecuteNonQueryAsync(token) != 1)
            {
                throw new ConcurrencyException(Rows.Entity, id, expected, await RowCommands.VersionOfAsync(Rows, id, Live, connection, transaction, token));
            }

            return true;
        }, cancellationToken);
    }

    public Task<TemplateSnapshot?> GetAsync(TemplateId id, CancellationToken cancellationToken) =>
        database.ReadAsync($"read template '{id}'", async (connection, token) =>
            (await RowCommands.ListAsync(Rows, connection, "id = $1" + Live, string.Empty, [id.Value], token)).SingleOrDefault(), cancellationToken);

    public Task<IReadOnlyList<TemplateSnapshot>> ListAsync(CancellationToken cancellationToken) =>
        database.ReadAsync("list the templates", (connection, token) =>
            RowCommands.ListAsync(Rows, connection, "deleted_at IS NULL", "ORDER BY created_at, id", [], token), cancellationToken);

    /// <summary>Every live template, for exports.</summary>
    public IAsyncEnumerable<TemplateSnapshot> ScanAsync(CancellationToken cancellationToken) =>
        RowCommands.ScanAsync(database, Rows, "deleted_at IS NULL", cancellationToken);

}
