using HostFactory.Storage.Postgres.Schema;

namespace HostFactory.Storage.Postgres;

/// <summary>What <see cref="PostgresStorageMaintenance.MigrateAsync"/> did.</summary>
/// <param name="Database">The database, as messages name it (host, port, name; never the connection string).</param>
/// <param name="Schema">The schema migrated.</param>
/// <param name="FromVersion">The schema version before (0: it did not exist).</param>
/// <param name="ToVersion">The schema version now: the newest this build knows.</param>
public sealed record SchemaMigration(string Database, string Schema, int FromVersion, int ToVersion);

/// <summary>Operator tools for the PostgreSQL store: the schema's version and its migration (<c>hostfactory storage migrate</c>).</summary>
public sealed class PostgresStorageMaintenance
{
    private readonly PostgresDatabase _database;

    internal PostgresStorageMaintenance(PostgresDatabase database) => _database = database;

    /// <summary>The newest schema version this build knows.</summary>
    public static int KnownSchemaVersion => Migrations.Latest;

    /// <summary>The database as messages name it: host, port and database name.</summary>
    public string Database => _database.Name;

    /// <summary>The schema's version now (0: never created); changes nothing.</summary>
    /// <exception cref="PostgresStorageUnavailableException">The database cannot be reached.</exception>
    public Task<int> SchemaVersionAsync(CancellationToken cancellationToken) => _database.SchemaVersionAsync(cancellationToken);

    /// <summary>
    /// Creates the schema or applies the migrations it lacks, in one transaction under the migration lock, so hosts
    /// doing this at once take turns. Nothing happens when the schema is current.
    /// </summary>
    /// <exception cref="PostgresSchemaVersionException">The schema is newer than this build knows; nothing changed.</exception>
    /// <exception cref="PostgresLockTimeoutException">Another host held the migration lock past the lock timeout.</exception>
    /// <exception cref="PostgresStorageUnavailableException">The database cannot be reached, or refused a statement (e.g. no right to create the schema); nothing changed.</exception>
    public async Task<SchemaMigration> MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (from, to) = await _database.MigrateAsync(cancellationToken);
            return new SchemaMigration(_database.Name, _database.Options.Schema, from, to);
        }
        catch (Npgsql.PostgresException exception) when (exception.SqlState == Npgsql.PostgresErrorCodes.LockNotAvailable)
        {
            throw new PostgresLockTimeoutException($"the schema '{_database.Options.Schema}' (another host is migrating it)", _database.Options.LockTimeout, exception);
        }
    }
}
