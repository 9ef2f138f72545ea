namespace HostFactory.Storage.Postgres;

/// <summary>
/// Base of the failures of the PostgreSQL storage that are about the database rather than the domain: it cannot be
/// reached, its schema is not one this build can use, a lock was not obtained in time, a row the domain refuses.
/// Optimistic-concurrency conflicts are the domain's <see cref="HostFactory.Domain.Common.ConcurrencyException"/>, not
/// one of these. No message ever holds the connection string.
/// </summary>
public abstract class PostgresStorageException : Exception
{
    /// <summary>Creates the exception with a message naming the database (host, port, name) and what went wrong.</summary>
    protected PostgresStorageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The database could not be used for a call: it is down or unreachable, the connection broke, the login was refused,
/// or a command timed out, after the transient failures among these were retried. A change the call was making was
/// rolled back, unless the message says the outcome of its commit is unknown.
/// </summary>
public sealed class PostgresStorageUnavailableException : PostgresStorageException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, naming the database but never the connection string.</param>
    /// <param name="innerException">The driver's error.</param>
    public PostgresStorageUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The database's HostFactory schema is not the one this build uses: newer (written by a newer HostFactory: nothing is
/// read or written), or older while automatic migration is off (run <c>hostfactory storage migrate</c>).
/// </summary>
public sealed class PostgresSchemaVersionException : PostgresStorageException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was found and what to do.</param>
    /// <param name="foundVersion">The schema version the database holds.</param>
    /// <param name="knownVersion">The newest schema version this build knows.</param>
    public PostgresSchemaVersionException(string message, int foundVersion, int knownVersion)
        : base(message, null)
    {
        FoundVersion = foundVersion;
        KnownVersion = knownVersion;
    }

    /// <summary>The schema version the database holds.</summary>
    public int FoundVersion { get; }

    /// <summary>The newest schema version this build knows.</summary>
    public int KnownVersion { get; }
}

/// <summary>
/// Another holder kept a template's capacity lock (or the schema's migration lock) longer than
/// <see cref="PostgresStorageOptions.LockTimeout"/>. Nothing was written.
/// </summary>
public sealed class PostgresLockTimeoutException : PostgresStorageException
{
    /// <summary>Creates the exception; the message names what was locked and how long the store waited.</summary>
    /// <param name="subject">What the lock guards, e.g. <c>the capacity of template 'x'</c>.</param>
    /// <param name="timeout">How long the store waited.</param>
    /// <param name="innerException">The database's lock-timeout error.</param>
    public PostgresLockTimeoutException(string subject, TimeSpan timeout, Exception? innerException = null)
        : base($"Timed out after {timeout.TotalSeconds:0.###} s waiting for the lock guarding {subject}: another HostFactory process holds it. Find it in pg_locks (locktype 'advisory'); raise hostFactory:storage:lockTimeout if the holder is merely slow.", innerException)
    {
        Subject = subject;
        Timeout = timeout;
    }

    /// <summary>What the lock guards.</summary>
    public string Subject { get; }

    /// <summary>How long the store waited.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>
/// A row cannot be read as what it should be: a word the domain does not know, a state the domain refuses (changed by
/// hand, or by something else than HostFactory). The row is left as it is; fix or delete it with SQL.
/// </summary>
public sealed class PostgresCorruptRowException : PostgresStorageException
{
    /// <summary>Creates the exception; the message names the table, the id and what is wrong.</summary>
    /// <param name="table">The table.</param>
    /// <param name="id">The row's id.</param>
    /// <param name="reason">What is wrong.</param>
    /// <param name="innerException">The error that revealed it.</param>
    public PostgresCorruptRowException(string table, string id, string reason, Exception? innerException = null)
        : base($"The row '{id}' of table {table} cannot be read: {reason} The row was left untouched; fix or delete it with SQL (see docs/storage.md).", innerException)
    {
        Table = table;
        Id = id;
    }

    /// <summary>The table.</summary>
    public string Table { get; }

    /// <summary>The row's id.</summary>
    public string Id { get; }
}
