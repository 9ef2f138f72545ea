using System.Globalization;
using HostFactory.Domain.Common;
using Npgsql;

namespace HostFactory.Storage.Postgres.Rows;

/// <summary>The SQL every store shares: versioned saves and the reads of one table through a <see cref="RowMapping{TSnapshot}"/>.</summary>
internal static class RowCommands
{
    /// <summary>
    /// Saves every snapshot with the port's version rule — insert when the expected version is 0 (refused if the id
    /// exists), else update only the row still at the expected version — in one round trip of the caller's
    /// transaction. One refusal throws, and the caller's transaction, rolled back, writes none.
    /// </summary>
    /// <returns>The version each snapshot was stored at, in order.</returns>
    /// <exception cref="ConcurrencyException">A snapshot was refused; names it and the version found.</exception>
    public static async Task<long[]> SaveAsync<TSnapshot>(
        RowMapping<TSnapshot> rows, IReadOnlyList<(TSnapshot Snapshot, long ExpectedVersion)> items, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        where TSnapshot : class
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var (snapshot, expected) in items)
        {
            var command = new NpgsqlBatchCommand(expected == 0 ? rows.Insert + " ON CONFLICT (id) DO NOTHING" : rows.Update);
            RowMapping<TSnapshot>.Add(command.Parameters, rows.IdOf(snapshot));
            RowMapping<TSnapshot>.Add(command.Parameters, expected + 1);
            rows.AddValues(command.Parameters, snapshot);
            if (expected != 0)
            {
                RowMapping<TSnapshot>.Add(command.Parameters, expected);
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        for (var i = 0; i < items.Count; i++)
        {
            if (batch.BatchCommands[i].RecordsAffected != 1)
            {
                var id = rows.IdOf(items[i].Snapshot);
                throw new ConcurrencyException(rows.Entity, id, items[i].ExpectedVersion, await VersionOfAsync(rows, id, rows.LiveCondition, connection, transaction, cancellationToken));
            }
        }

        return [.. items.Select(i => i.ExpectedVersion + 1)];
    }

    /// <summary>The stored version of a row (0 when there is none matching <paramref name="condition"/>).</summary>
    public static async Task<long> VersionOfAsync<TSnapshot>(
        RowMapping<TSnapshot> rows, string id, string condition, NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
        where TSnapshot : class
    {
        await using var command = new NpgsqlCommand($"SELECT version FROM {rows.Table} WHERE id = $1{condition}", connection, transaction);
        RowMapping<TSnapshot>.Add(command.Parameters, id);
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? version : 0;
    }

    /// <summary>The rows matching <paramref name="where"/> (with <c>$1…</c> for <paramref name="arguments"/>), in the order given.</summary>
    public static async Task<IReadOnlyList<TSnapshot>> ListAsync<TSnapshot>(
        RowMapping<TSnapshot> rows, NpgsqlConnection connection, string where, string orderBy, IReadOnlyList<object?> arguments, CancellationToken cancellationToken)
        where TSnapshot : class
    {
        await using var command = new NpgsqlCommand($"SELECT {rows.SelectColumns} FROM {rows.Table} WHERE {where} {orderBy}", connection);
        foreach (var argument in arguments)
        {
            RowMapping<TSnapshot>.Add(command.Parameters, argument);
        }

        return await ReadAllAsync(rows, command, cancellationToken);
    }

    /// <summary>One page of the rows matching <paramref name="where"/>, ordered by creation time then id, with the total count.</summary>
    public static async Task<Page<TSnapshot>> PageAsync<TSnapshot>(
        RowMapping<TSnapshot> rows, NpgsqlConnection connection, string where, IReadOnlyList<object?> arguments, int offset, int limit, CancellationToken cancellationToken)
        where TSnapshot : class
    {
        await using var batch = new NpgsqlBatch(connection);
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM {rows.Table} WHERE {where}");
        var page = new NpgsqlBatchCommand(
            $"SELECT {rows.SelectColumns} FROM {rows.Table} WHERE {where} ORDER BY created_at, id LIMIT ${(arguments.Count + 1).ToString(CultureInfo.InvariantCulture)} OFFSET ${(arguments.Count + 2).ToString(CultureInfo.InvariantCulture)}");
        foreach (var argument in arguments)
        {
            RowMapping<TSnapshot>.Add(count.Parameters, argument);
            RowMapping<TSnapshot>.Add(page.Parameters, argument);
        }

        RowMapping<TSnapshot>.Add(page.Parameters, limit);
        RowMapping<TSnapshot>.Add(page.Parameters, offset);
        batch.BatchCommands.Add(count);
        batch.BatchCommands.Add(page);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        var items = new List<TSnapshot>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(rows.Read(reader));
        }

        return new Page<TSnapshot>(items, (int)Math.Min(total, int.MaxValue), offset, limit);
    }

    /// <summary>Every row of the table matching <paramref name="where"/>, in pages by id, for exports of a whole store.</summary>
    public static async IAsyncEnumerable<TSnapshot> ScanAsync<TSnapshot>(
        PostgresDatabase database, RowMapping<TSnapshot> rows, string where, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        where TSnapshot : class
    {
        const int PageSize = 1000;
        var after = string.Empty;
        while (true)
        {
            var page = await database.ReadAsync($"read the {rows.Table}", (connection, token) =>
                ListAsync(rows, connection, $"id > $1 AND {where}", $"ORDER BY id LIMIT {PageSize.ToString(CultureInfo.InvariantCulture)}", [after], token), cancellationToken);
            foreach (var snapshot in page)
            {
                yield return snapshot;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = rows.IdOf(page[^1]);
        }
    }

    private static async Task<IReadOnlyList<TSnapshot>> ReadAllAsync<TSnapshot>(RowMapping<TSnapshot> rows, NpgsqlCommand command, CancellationToken cancellationToken)
        where TSnapshot : class
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<TSnapshot>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(rows.Read(reader));
        }

        return items;
    }
}
