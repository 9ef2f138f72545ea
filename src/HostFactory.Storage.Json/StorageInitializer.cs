using System.Text.Json;
using HostFactory.Storage.Json.Documents;
using Microsoft.Extensions.Logging;

namespace HostFactory.Storage.Json;

/// <summary>
/// Initialisation: the first use of a store creates what is missing in the data directory, checks its layout
/// version, proves that file locks work there, and has the journal recovered.
/// </summary>
internal sealed class StorageInitializer(StorageLayout layout, StripeLocks locks, JournalRecovery recovery, ILogger logger, TimeProvider time)
{
    private readonly Lock _gate = new();
    private volatile bool _initialized;

    /// <summary>
    /// Prepares the data directory once per store (a container's singleton): creates missing directories, checks the layout version, proves
    /// that file locks work here, and recovers what crashed processes left in the journal. A failure is not
    /// remembered, so a later call tries again (the directory may have been fixed meanwhile).
    /// </summary>
    /// <exception cref="StorageUnavailableException">The directory cannot be created, is not a directory, is read-only, or cannot be locked.</exception>
    /// <exception cref="StorageSchemaVersionException"><c>storage.json</c> was written by a newer HostFactory.</exception>
    /// <exception cref="StorageCorruptException"><c>storage.json</c> is unreadable.</exception>
    public void EnsureInitialized()
    {
        if (_initialized)
        {
            return;
        }

        lock (_gate)
        {
            if (!_initialized)
            {
                Initialize();
                _initialized = true;
            }
        }
    }

    private void Initialize()
    {
        var root = layout.Root;
        if (File.Exists(root))
        {
            throw new StorageUnavailableException(root, "it is a file, not a directory.");
        }

        try
        {
            foreach (var directory in StorageLayout.Directories)
            {
                Directory.CreateDirectory(layout.Full(directory));
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException(root, $"it (or a directory inside it) cannot be created: {exception.Message}", exception);
        }

        CheckLayout();
        ProveLocking();
        recovery.RecoverJournal();
        StorageLog.Ready(logger, root);
    }

    private void CheckLayout()
    {
        var path = layout.Full(StorageLayout.LayoutFile);
        if (DocumentReader.ReadBytes(path) is { } bytes)
        {
            var found = DocumentReader.ParseFile(path, bytes, StorageJsonContext.Files.LayoutDocument, l => l.SchemaVersion);
            if (found.Layout != StorageLayout.LayoutName)
            {
                throw new StorageCorruptException(path, $"its layout is '{found.Layout}', not '{StorageLayout.LayoutName}': the directory belongs to something else.");
            }

            return;
        }

        var document = new LayoutDocument { SchemaVersion = StorageSchema.Current, Layout = StorageLayout.LayoutName, CreatedAt = time.GetUtcNow() };
        try
        {
            // Several processes, or stores of one process, may create it at once; each uses its own temp file and every
            // rename gives the same content.
            DurableFile.Replace(path, StorageLayout.UniqueTempPathOf(path), JsonSerializer.SerializeToUtf8Bytes(document, StorageJsonContext.Files.LayoutDocument));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException(layout.Root, $"it is not writable: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// .NET silently skips the flock when locking is disabled (DOTNET_SYSTEM_IO_DISABLEFILELOCKING) or unsupported by
    /// the file system (some NFS mounts). Lost updates would follow without a sound, so prove it works: a second open
    /// of a locked file must be refused.
    /// </summary>
    private void ProveLocking()
    {
        // A probe of its own: another store of this process may be probing at the same moment.
        var probe = Path.Join(locks.Directory, $"probe-{StorageLayout.UniqueSuffix()}.lock");
        using (var first = StripeLocks.TryOpen(probe))
        {
            using var second = StripeLocks.TryOpen(probe);
            if (first is null || second is not null)
            {
                throw new StorageUnavailableException(locks.Directory, "file locks do not work here (DOTNET_SYSTEM_IO_DISABLEFILELOCKING is set, or the file system does not support flock). Concurrent plugin processes would lose updates; use a local file system and unset that variable.");
            }
        }

        File.Delete(probe);
    }
}
