namespace HostFactory.Storage.Json;

/// <summary>
/// Base of the failures of the JSON file storage that are about the data directory rather than the domain: a damaged
/// or newer file, a lock not obtained in time, a directory that cannot be used. Optimistic-concurrency conflicts are
/// the domain's <see cref="HostFactory.Domain.Common.ConcurrencyException"/>, not one of these.
/// </summary>
public abstract class StorageException : Exception
{
    /// <summary>Creates the exception with a message naming the file or directory concerned.</summary>
    protected StorageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A file of the data directory cannot be read as what it should be (not JSON, a field missing or wrong, an id that
/// does not match its file name, a state the domain refuses). The file is left as it is — the store never overwrites
/// a file it could not read — so an operator can inspect it; see docs/storage.md, "Inspecting and repairing".
/// </summary>
public sealed class StorageCorruptException : StorageException
{
    /// <summary>Creates the exception; the message names the file and what is wrong with it.</summary>
    /// <param name="path">The full path of the damaged file.</param>
    /// <param name="reason">What is wrong, e.g. the JSON parser's message.</param>
    /// <param name="innerException">The error that revealed the damage, if any.</param>
    public StorageCorruptException(string path, string reason, Exception? innerException = null)
        : base($"Storage file '{path}' is corrupt: {reason} The file was left untouched; inspect or restore it (see docs/storage.md).", innerException)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The full path of the damaged file.</summary>
    public string Path { get; }

    /// <summary>What is wrong with the file.</summary>
    public string Reason { get; }
}

/// <summary>
/// A file (or the data directory's <c>storage.json</c>) was written by a newer version of HostFactory with a schema
/// this version does not know. Nothing is read from it or written over it; upgrade HostFactory to use the directory.
/// </summary>
public sealed class StorageSchemaVersionException : StorageException
{
    /// <summary>Creates the exception; the message names the file and both versions.</summary>
    /// <param name="path">The full path of the file.</param>
    /// <param name="foundVersion">The <c>schemaVersion</c> in the file.</param>
    /// <param name="supportedVersion">The newest schema version this build understands.</param>
    public StorageSchemaVersionException(string path, int foundVersion, int supportedVersion)
        : base($"Storage file '{path}' has schemaVersion {foundVersion}, but this version of HostFactory understands only up to {supportedVersion}. It was written by a newer HostFactory; upgrade to use this data directory.", null)
    {
        Path = path;
        FoundVersion = foundVersion;
        SupportedVersion = supportedVersion;
    }

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <summary>The schema version found in the file.</summary>
    public int FoundVersion { get; }

    /// <summary>The newest schema version this build understands.</summary>
    public int SupportedVersion { get; }
}

/// <summary>
/// Another process held the file lock guarding an aggregate for longer than
/// <see cref="JsonFileStorageOptions.LockTimeout"/>. Nothing was written. Usually a stuck process: the message names
/// the lock file, and <c>fuser</c> or <c>lsof</c> on it shows who holds it.
/// </summary>
public sealed class StorageLockTimeoutException : StorageException
{
    /// <summary>Creates the exception; the message names what was being locked, the lock file and the timeout.</summary>
    /// <param name="subject">What the lock guards, e.g. <c>request 'req-…'</c>.</param>
    /// <param name="lockPath">The full path of the lock file.</param>
    /// <param name="timeout">How long the store waited.</param>
    public StorageLockTimeoutException(string subject, string lockPath, TimeSpan timeout)
        : base($"Timed out after {timeout.TotalSeconds:0.###} s waiting for the lock '{lockPath}' guarding {subject}: another process holds it. Find it with 'fuser {lockPath}'; raise JsonFileStorage:LockTimeout if the holder is merely slow.", null)
    {
        Subject = subject;
        LockPath = lockPath;
        Timeout = timeout;
    }

    /// <summary>What the lock guards.</summary>
    public string Subject { get; }

    /// <summary>The full path of the lock file.</summary>
    public string LockPath { get; }

    /// <summary>How long the store waited.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>
/// The data directory (or one of its sub-directories) cannot be used: it cannot be created, it is a file, it is
/// read-only, or file locking does not work on it. The message names the directory and the cause.
/// </summary>
public sealed class StorageUnavailableException : StorageException
{
    /// <summary>Creates the exception; the message names the directory and why it cannot be used.</summary>
    /// <param name="directory">The full path of the directory.</param>
    /// <param name="reason">Why it cannot be used.</param>
    /// <param name="innerException">The I/O error that showed it, if any.</param>
    public StorageUnavailableException(string directory, string reason, Exception? innerException = null)
        : base($"The storage directory '{directory}' cannot be used: {reason}", innerException)
    {
        Directory = directory;
        Reason = reason;
    }

    /// <summary>The full path of the directory.</summary>
    public string Directory { get; }

    /// <summary>Why it cannot be used.</summary>
    public string Reason { get; }
}
