using System.Globalization;
using Npgsql;

namespace HostFactory.Storage.Postgres.Schema;

/// <summary>
/// Reads and brings up to date the schema's version, recorded in <c>schema_migrations</c>. Migrating runs in one
/// transaction under an advisory lock, so hosts starting at once migrate one after the other (the later ones find
/// nothing left to do), and a failed migration leaves the schema as it was.
/// </summary>
internal static class SchemaMigrator
{
    /// <summary>The advisory-lock key space of HostFactory (<c>"HF"</c>); the second key is 0 for the migration lock.</summary>
    public const int LockNamespace = 0x4846;

    /// <summary>The second key of the capacity locks' space; the first is the template id's hash.</summary>
    public const int CapacityLockNamespace = 0x4846_0001;

    /// <summary>The version the schema is at: 0 when HostFactory's tables were never created.</summary>
    public static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection, transaction))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = $"\"{schema}\".schema_migrations" });
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return 0;
            }
        }

        await using var version = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM \"{schema}\".schema_migrations", connection, transaction);
        return Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Applies the migrations the schema lacks, under the migration lock.</summary>
    /// <returns>The version before and after.</returns>
    /// <exception cref="PostgresSchemaVersionException">The schema is newer than this build knows; nothing changed.</exception>
    /// <exception cref="PostgresException">A statement failed (e.g. lock timeout, no right to create the schema); nothing changed.</exception>
    public static async Task<(int From, int To)> MigrateAsync(NpgsqlConnection connection, string schema, string database, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, LockTimeoutStatement(lockTimeout), cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, 0)", connection, transaction))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = LockNamespace });
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        // Created under the lock: concurrent CREATE ... IF NOT EXISTS of the same name can fail on a unique index.
        await ExecuteAsync(connection, transaction, $"""
            CREATE SCHEMA IF NOT EXISTS "{schema}";
            SET LOCAL search_path = "{schema}";
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     integer PRIMARY KEY,
                description text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now(),
                applied_by  text NOT NULL DEFAULT current_user
            );
            """, cancellationToken);
        var from = await CurrentVersionAsync(connection, transaction, schema, cancellationToken);
        if (from > Migrations.Latest)
        {
            throw Newer(database, schema, from);
        }

        foreach (var migration in Migrations.All.Where(m => m.Version > from))
        {
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Version });
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Description });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        // Once the commit is sent it is finished, whatever the caller's token says.
        await transaction.CommitAsync(CancellationToken.None);
        return (from, Migrations.Latest);
    }

    /// <summary>The refusal of a schema written by a newer HostFactory.</summary>
    public static PostgresSchemaVersionException Newer(string database, string schema, int found) =>
        new($"The schema '{schema}' of {database} is at version {found}, but this HostFactory knows only up to version {Migrations.Latest}: it was migrated by a newer HostFactory. Upgrade HostFactory on this host; nothing was read or written.", found, Migrations.Latest);

    /// <summary>The refusal of an older schema when automatic migration is off.</summary>
    public static PostgresSchemaVersionException Older(string database, string schema, int found, string settingsPath) =>
        new($"The schema '{schema}' of {database} is at version {found}, and this HostFactory needs version {Migrations.Latest}; {settingsPath}:autoMigrate is false, so run 'hostfactory storage migrate' first.", found, Migrations.Latest);

    /// <summary><c>SET LOCAL lock_timeout</c> for <paramref name="timeout"/>, in whole milliseconds (at least 1).</summary>
    public static string LockTimeoutStatement(TimeSpan timeout) =>
        $"SET LOCAL lock_timeout = {Math.Max(1, (long)Math.Ceiling(timeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture)}";

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
