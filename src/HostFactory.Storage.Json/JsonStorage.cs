using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HostFactory.Domain.Common;
using HostFactory.Storage.Json.Documents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HostFactory.Storage.Json;

/// <summary>
/// The engine under the three stores: reads and parses documents, runs the locked save pipeline with its journal
/// record and index entries, and recovers what a crashed process left. docs/storage.md describes the protocol;
/// the comments here say why each step is where it is.
/// </summary>
internal sealed class JsonStorage
{
    // A batch temp file older than this is abandoned even if its pid was reused by an unrelated process.
    private static readonly TimeSpan AbandonedTempAge = TimeSpan.FromHours(1);

    private readonly Lock _initGate = new();
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private volatile bool _initialized;

    public JsonStorage(IOptions<JsonFileStorageOptions> options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        Layout = new StorageLayout(settings.ResolveDataDirectory());
        Locks = new StripeLocks(Layout.Full(StorageLayout.LocksDirectory), settings.LockTimeout);
        _logger = loggerFactory?.CreateLogger("HostFactory.Storage.Json") ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    public StorageLayout Layout { get; }

    public StripeLocks Locks { get; }

    public ILogger Logger => _logger;

    /// <summary>
    /// Prepares the data directory once per process: creates missing directories, checks the layout version, proves
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

        lock (_initGate)
        {
            if (!_initialized)
            {
                Initialize();
                _initialized = true;
            }
        }
    }

    /// <summary>Reads and checks one document; null when it does not exist.</summary>
    /// <exception cref="StorageCorruptException">The file is unreadable, not the document it should be, or refused by the domain.</exception>
    /// <exception cref="StorageSchemaVersionException">The file was written by a newer schema.</exception>
    public TDocument? Read<TDocument>(DocumentKind<TDocument> kind, string id)
        where TDocument : class, IStoredDocument
    {
        FileNames.CheckId(kind.IdKind, id);
        EnsureInitialized();
        return ReadChecked(kind, id);
    }

    /// <summary>The ids of every document of <paramref name="kind"/>; reads the directory, not the files.</summary>
    public IReadOnlyList<string> ListIds<TDocument>(DocumentKind<TDocument> kind)
        where TDocument : class, IStoredDocument
    {
        EnsureInitialized();
        var ids = new List<string>();
        foreach (var path in Directory.EnumerateFiles(Layout.Full(kind.Directory), "*" + StorageLayout.DocumentExtension))
        {
            var name = Path.GetFileName(path.AsSpan());
            if (name.EndsWith(StorageLayout.DocumentExtension, StringComparison.Ordinal))
            {
                var id = name[..^StorageLayout.DocumentExtension.Length].ToString();
                if (FileNames.IsSafeId(id))
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }

    /// <summary>The names in an index directory that are valid ids (anything else, e.g. an editor's backup, is ignored).</summary>
    public IReadOnlyList<string> ListIndex(string relativeDirectory)
    {
        EnsureInitialized();
        try
        {
            return [.. Directory.EnumerateFiles(Layout.Full(relativeDirectory)).Select(path => Path.GetFileName(path)).Where(FileNames.IsSafeId)];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <summary>
    /// Saves one document under its lock with the port's version rule: insert when <paramref name="expectedVersion"/>
    /// is 0 (refused if the id exists), else update only if the stored version equals it.
    /// </summary>
    /// <param name="kind">The kind of document.</param>
    /// <param name="id">Its id (checked before it becomes a file name).</param>
    /// <param name="expectedVersion">The version the caller loaded; 0 to insert.</param>
    /// <param name="build">Makes the document to store, given the version it will be stored at.</param>
    /// <param name="cancellationToken">Cancels the wait for the lock; a write once started is finished.</param>
    /// <returns>The version written.</returns>
    /// <exception cref="ConcurrencyException">The version rule refused the save; nothing was written.</exception>
    public async Task<long> SaveAsync<TDocument>(
        DocumentKind<TDocument> kind, string id, long expectedVersion, Func<long, TDocument> build, CancellationToken cancellationToken)
        where TDocument : class, IStoredDocument
    {
        FileNames.CheckId(kind.IdKind, id);
        EnsureInitialized();
        using var held = await Locks.AcquireAsync([StripeLocks.StripeOf(kind.Name, id)], $"{kind.Name} '{id}'", cancellationToken);
        return Guard(kind, id, () =>
        {
            RecoverIfPending(kind, id);
            var current = ReadChecked(kind, id);
            CheckVersion(kind, id, expectedVersion, current);
            var baseVersion = expectedVersion == 0 && kind is TemplateFiles ? ReadTombstoneVersion(id) : expectedVersion;
            var document = build(baseVersion + 1);
            WriteIntent(kind, current, document, batchId: null);
            RemoveEntries(Apply(kind, current, document, syncDirectory: true));
            File.Delete(Layout.IntentPath(kind.Name, id));
            return document.Version;
        });
    }

    /// <summary>
    /// Saves several machines all or nothing. Every version is checked under every lock before anything is written;
    /// then the batch record is made durable (the commit point) and the machines are written. A crash after the commit
    /// point is completed by the next process (roll forward); before it, nothing changed.
    /// </summary>
    /// <returns>The version written for each item, in order.</returns>
    /// <exception cref="ConcurrencyException">Any machine is refused; nothing was written.</exception>
    public async Task<IReadOnlyList<long>> SaveBatchAsync(
        IReadOnlyList<(string Id, long ExpectedVersion, Func<long, MachineDocument> Build)> items, CancellationToken cancellationToken)
    {
        var kind = MachineFiles.Instance;
        foreach (var item in items)
        {
            FileNames.CheckId(kind.IdKind, item.Id);
        }

        EnsureInitialized();
        var stripes = items.Select(item => StripeLocks.StripeOf(kind.Name, item.Id));
        using var held = await Locks.AcquireAsync(stripes, $"{items.Count} machines", cancellationToken);
        return Guard(kind, items[0].Id, () =>
        {
            var currents = new MachineDocument?[items.Count];
            for (var i = 0; i < items.Count; i++)
            {
                RecoverIfPending(kind, items[i].Id);
                currents[i] = ReadChecked(kind, items[i].Id);
                CheckVersion(kind, items[i].Id, items[i].ExpectedVersion, currents[i]);
            }

            var documents = items.Select(item => item.Build(item.ExpectedVersion + 1)).ToArray();
            var batchId = Guid.NewGuid().ToString("N");
            var batch = new BatchDocument
            {
                SchemaVersion = StorageSchema.Current,
                Id = batchId,
                StartedAt = _time.GetUtcNow(),
                Machines = [.. documents.Select((document, i) => new BatchMemberDocument
                {
                    Document = document,
                    Entries = [.. EntriesOf(kind, currents[i]).Union(kind.IndexEntries(document))],
                })],
            };

            // Every member's journal record exists before the commit point, so a process that later locks one member
            // finds the record and completes the batch for it before changing it.
            for (var i = 0; i < documents.Length; i++)
            {
                WriteIntent(kind, currents[i], documents[i], batchId);
            }

            // The commit point: once this rename is on disk the batch happens, whatever crashes next. The journal
            // directory's fsync inside Replace also makes the records above durable.
            var batchPath = Layout.BatchPath(batchId);
            DurableFile.Replace(batchPath, StorageLayout.UniqueTempPathOf(batchPath), JsonSerializer.SerializeToUtf8Bytes(batch, StorageJsonContext.Files.BatchDocument));

            var stale = new List<string>();
            for (var i = 0; i < documents.Length; i++)
            {
                stale.AddRange(Apply(kind, currents[i], documents[i], syncDirectory: false));
            }

            // One directory fsync makes every rename of the batch durable.
            DurableFile.SyncDirectory(Layout.Full(kind.Directory));
            RemoveEntries(stale);
            foreach (var document in documents)
            {
                File.Delete(Layout.IntentPath(kind.Name, document.Id));
            }

            File.Delete(batchPath);
            return documents.Select(d => d.Version).ToArray();
        });
    }

    /// <summary>
    /// Deletes a template if the stored version equals <paramref name="expectedVersion"/>, leaving a tombstone with
    /// that version so a template re-created under the same id continues the version sequence: a holder of the old
    /// template can then never overwrite the new one.
    /// </summary>
    /// <exception cref="ConcurrencyException">The template is not stored at that version (or not at all).</exception>
    public async Task DeleteTemplateAsync(string id, long expectedVersion, CancellationToken cancellationToken)
    {
        var kind = TemplateFiles.Instance;
        FileNames.CheckId(kind.IdKind, id);
        EnsureInitialized();
        using var held = await Locks.AcquireAsync([StripeLocks.StripeOf(kind.Name, id)], $"{kind.Name} '{id}'", cancellationToken);
        Guard(kind, id, () =>
        {
            RecoverIfPending(kind, id);
            var current = ReadChecked(kind, id);
            if (current is null || current.Version != expectedVersion)
            {
                throw new ConcurrencyException(kind.Entity, id, expectedVersion, current?.Version ?? 0);
            }

            // The journal record lets the next process remove the tombstone's temp file if this one dies mid-delete.
            WriteIntent(kind, current, current, batchId: null);
            var tombstone = new TemplateTombstoneDocument { SchemaVersion = StorageSchema.Current, Id = id, Version = current.Version, DeletedAt = _time.GetUtcNow() };
            var tombstonePath = TombstonePath(id);
            DurableFile.Replace(tombstonePath, StorageLayout.TempPathOf(tombstonePath), JsonSerializer.SerializeToUtf8Bytes(tombstone, StorageJsonContext.Files.TemplateTombstoneDocument), syncDirectory: false);
            File.Delete(Layout.DocumentPath(kind.Directory, id));
            DurableFile.SyncDirectory(Layout.Full(kind.Directory));
            File.Delete(Layout.IntentPath(kind.Name, id));
            return 0L;
        });
    }

    /// <summary>The exception for a document the domain refused: it names the file.</summary>
    public StorageCorruptException Corrupt<TDocument>(DocumentKind<TDocument> kind, string id, Exception exception)
        where TDocument : class, IStoredDocument =>
        new(Layout.DocumentPath(kind.Directory, id), exception.Message, exception);

    /// <summary>Parses <paramref name="bytes"/> read from <paramref name="path"/>, refusing newer schemas and naming the file on any error.</summary>
    public static T ParseFile<T>(string path, byte[] bytes, JsonTypeInfo<T> typeInfo, Func<T, int> schemaVersion)
        where T : class
    {
        T? document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, typeInfo);
        }
        catch (JsonException exception)
        {
            // A newer schema may have renamed or added required fields: say "newer", not "corrupt".
            var found = ProbeSchemaVersion(bytes);
            if (found > StorageSchema.Current)
            {
                throw new StorageSchemaVersionException(path, found, StorageSchema.Current);
            }

            throw new StorageCorruptException(path, bytes.Length == 0 ? "the file is empty." : $"it is not valid JSON for this file: {exception.Message}", exception);
        }

        if (document is null)
        {
            throw new StorageCorruptException(path, "the file holds JSON null instead of a document.");
        }

        var version = schemaVersion(document);
        return version switch
        {
            > StorageSchema.Current => throw new StorageSchemaVersionException(path, version, StorageSchema.Current),
            < 1 => throw new StorageCorruptException(path, $"schemaVersion is {version}; it must be 1 or more."),
            _ => document,
        };
    }

    /// <summary>The top-level <c>schemaVersion</c> of a document that did not parse, or 0 when there is none to find.</summary>
    private static int ProbeSchemaVersion(byte[] bytes)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isVersion = reader.ValueTextEquals("schemaVersion"u8);
                reader.Read();
                if (isVersion)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var version) ? version : 0;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Broken before the field was found: not a newer schema we can recognise.
        }

        return 0;
    }

    /// <summary>Reads a file's bytes; null when it does not exist.</summary>
    /// <exception cref="StorageCorruptException">The file exists but cannot be read.</exception>
    public static byte[]? ReadBytes(string path)
    {
        // Checked first because a save usually inserts: a thrown FileNotFoundException would cost more than the
        // rest of the read. A file deleted between the check and the read is still caught below.
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new StorageCorruptException(path, $"it cannot be read: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// Brings one aggregate's index entries in line with its file and removes its temp file, if a journal record says
    /// a save of it was interrupted. The caller holds the aggregate's lock.
    /// </summary>
    public void RecoverIfPending<TDocument>(DocumentKind<TDocument> kind, string id)
        where TDocument : class, IStoredDocument
    {
        var intentPath = Layout.IntentPath(kind.Name, id);
        if (!File.Exists(intentPath))
        {
            return;
        }

        var entries = new HashSet<string>(StringComparer.Ordinal);
        var intent = TryReadIntent(intentPath);
        if (intent is not null)
        {
            entries.UnionWith(intent.Entries);
            if (intent.BatchId is { } batchId && kind is MachineFiles machines && ReadBatch(Layout.BatchPath(batchId)) is { } batch
                && batch.Machines.FirstOrDefault(m => m.Document.Id == id) is { } member)
            {
                RollForward(machines, batchId, member);
                entries.UnionWith(member.Entries);
            }
        }

        var (removed, ensured) = Reconcile(kind, id, entries);
        File.Delete(StorageLayout.TempPathOf(Layout.DocumentPath(kind.Directory, id)));
        if (kind is TemplateFiles)
        {
            File.Delete(StorageLayout.TempPathOf(TombstonePath(id)));
        }

        File.Delete(intentPath);
        StorageLog.RecoveredSave(_logger, kind.Name, id, removed, ensured);
    }

    /// <summary>
    /// Makes the entries of the stored state exist and deletes the others among <paramref name="candidates"/> and the
    /// entries derivable from the id and the stored state.
    /// </summary>
    public (int Removed, int Ensured) Reconcile<TDocument>(DocumentKind<TDocument> kind, string id, IEnumerable<string> candidates)
        where TDocument : class, IStoredDocument
    {
        var current = ReadChecked(kind, id);
        var desired = EntriesOf(kind, current);
        var stale = candidates.Union(kind.RecoveryCandidates(id, current), StringComparer.Ordinal).Except(desired, StringComparer.Ordinal).ToArray();
        RemoveEntries(stale);
        foreach (var entry in desired)
        {
            EnsureEntry(entry);
        }

        return (stale.Length, desired.Count);
    }

    public void EnsureEntry(string relative)
    {
        var path = Layout.Full(relative);
        try
        {
            CreateEmpty(path);
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            CreateEmpty(path);
        }
    }

    public void RemoveEntries(IEnumerable<string> entries)
    {
        foreach (var entry in entries)
        {
            try
            {
                File.Delete(Layout.Full(entry));
            }
            catch (DirectoryNotFoundException)
            {
                // Its key directory never got created (the save stopped before its entries): nothing to remove.
            }
        }
    }

    public TDocument? ReadChecked<TDocument>(DocumentKind<TDocument> kind, string id)
        where TDocument : class, IStoredDocument
    {
        var path = Layout.DocumentPath(kind.Directory, id);
        if (ReadBytes(path) is not { } bytes)
        {
            return null;
        }

        var document = ParseFile(path, bytes, kind.TypeInfo, d => d.SchemaVersion);
        if (!string.Equals(document.Id, id, StringComparison.Ordinal))
        {
            throw new StorageCorruptException(path, $"it holds id '{document.Id}' but its file name says '{id}'.");
        }

        try
        {
            kind.Validate(document);
        }
        catch (Exception exception) when (exception is DomainException or InvalidDocumentException or ArgumentException)
        {
            throw new StorageCorruptException(path, exception.Message, exception);
        }

        return document;
    }

    private static IReadOnlyList<string> EntriesOf<TDocument>(DocumentKind<TDocument> kind, TDocument? document)
        where TDocument : class, IStoredDocument =>
        document is null ? [] : kind.IndexEntries(document);

    private static void CheckVersion<TDocument>(DocumentKind<TDocument> kind, string id, long expectedVersion, TDocument? current)
        where TDocument : class, IStoredDocument
    {
        var actual = current?.Version ?? 0;
        var refused = expectedVersion == 0 ? current is not null : actual != expectedVersion;
        if (refused)
        {
            throw new ConcurrencyException(kind.Entity, id, expectedVersion, actual);
        }
    }

    /// <summary>
    /// Step one of every save: the journal record. It is written before anything else changes and removed after
    /// everything has, so a crash in between always leaves it behind. It names only the index entries recovery could
    /// not derive from the id and whichever state survives (<see cref="DocumentKind{TDocument}.RecoveryCandidates"/>):
    /// a changed host name, a newly set return request, the entries of an inserted machine. Usually that is none,
    /// and the record is an empty file — measurably cheaper than one with content, which the file system must
    /// allocate, flush and later free (and, mounted with <c>discard</c>, trim) on every save.
    /// </summary>
    private void WriteIntent<TDocument>(DocumentKind<TDocument> kind, TDocument? current, TDocument document, string? batchId)
        where TDocument : class, IStoredDocument
    {
        var derivable = kind.RecoveryCandidates(document.Id, current).Intersect(kind.RecoveryCandidates(document.Id, document), StringComparer.Ordinal);
        var entries = EntriesOf(kind, current).Union(kind.IndexEntries(document), StringComparer.Ordinal).Except(derivable, StringComparer.Ordinal).ToList();
        var path = Layout.IntentPath(kind.Name, document.Id);
        if (entries.Count == 0 && batchId is null)
        {
            File.WriteAllBytes(path, []);
            return;
        }

        var intent = new IntentDocument
        {
            SchemaVersion = StorageSchema.Current,
            Kind = kind.Name,
            Id = document.Id,
            Version = document.Version,
            BatchId = batchId,
            Entries = entries,
            StartedAt = _time.GetUtcNow(),
        };

        // Not fsynced: it only has to outlive a killed process (the page cache does), and on ext4/XFS the document's
        // fsync that follows commits it too, ahead of the rename (docs/storage.md, "Why this is crash-safe").
        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(intent, StorageJsonContext.Files.IntentDocument));
    }

    /// <summary>
    /// Step two: the entries the new state needs, then the document (temp, fsync, rename). Entries are added before
    /// and removed after the document changes, so the indexes are a superset of the truth at every instant and a
    /// reader that checks each hit against the document is never wrong.
    /// </summary>
    /// <returns>The entries of the old state that the new one no longer has, for the caller to remove.</returns>
    private IReadOnlyList<string> Apply<TDocument>(DocumentKind<TDocument> kind, TDocument? current, TDocument document, bool syncDirectory)
        where TDocument : class, IStoredDocument
    {
        var oldEntries = EntriesOf(kind, current);
        var newEntries = kind.IndexEntries(document);
        foreach (var entry in newEntries.Except(oldEntries, StringComparer.Ordinal))
        {
            EnsureEntry(entry);
        }

        var path = Layout.DocumentPath(kind.Directory, document.Id);
        DurableFile.Replace(path, StorageLayout.TempPathOf(path), JsonSerializer.SerializeToUtf8Bytes(document, kind.TypeInfo), syncDirectory);
        return [.. oldEntries.Except(newEntries, StringComparer.Ordinal)];
    }

    private T Guard<TDocument, T>(DocumentKind<TDocument> kind, string id, Func<T> write)
        where TDocument : class, IStoredDocument
    {
        try
        {
            return write();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException(Layout.Root, $"saving {kind.Name} '{id}' failed: {exception.Message}", exception);
        }
    }

    private void RollForward(MachineFiles kind, string batchId, BatchMemberDocument member)
    {
        var document = member.Document;
        var current = ReadChecked(kind, document.Id);
        if ((current?.Version ?? 0) == document.Version - 1)
        {
            var path = Layout.DocumentPath(kind.Directory, document.Id);
            DurableFile.Replace(path, StorageLayout.TempPathOf(path), JsonSerializer.SerializeToUtf8Bytes(document, kind.TypeInfo));
            StorageLog.RolledForward(_logger, batchId, document.Id, document.Version);
        }
    }

    private long ReadTombstoneVersion(string id)
    {
        var path = TombstonePath(id);
        return ReadBytes(path) is { } bytes
            ? ParseFile(path, bytes, StorageJsonContext.Files.TemplateTombstoneDocument, t => t.SchemaVersion).Version
            : 0;
    }

    private string TombstonePath(string id) => Path.Join(Layout.Root, StorageLayout.TemplatesDirectory, id + StorageLayout.TombstoneExtension);

    private IntentDocument? TryReadIntent(string path)
    {
        // An empty record is the usual one: nothing beyond the derivable entries to reconcile. A record with content
        // is written without fsync, so after a power cut it may be torn: that is expected, not corruption. Its
        // entries are then unknown; Reconcile still restores every entry the stored state needs.
        try
        {
            return ReadBytes(path) is { Length: > 0 } bytes ? ParseFile(path, bytes, StorageJsonContext.Files.IntentDocument, i => i.SchemaVersion) : null;
        }
        catch (StorageCorruptException exception)
        {
            StorageLog.UnreadableIntent(_logger, path, exception.Reason);
            return null;
        }
    }

    private static BatchDocument? ReadBatch(string path) =>
        ReadBytes(path) is { } bytes ? ParseFile(path, bytes, StorageJsonContext.Files.BatchDocument, b => b.SchemaVersion) : null;

    private static void CreateEmpty(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }

    private void Initialize()
    {
        var root = Layout.Root;
        if (File.Exists(root))
        {
            throw new StorageUnavailableException(root, "it is a file, not a directory.");
        }

        try
        {
            foreach (var directory in StorageLayout.Directories)
            {
                Directory.CreateDirectory(Layout.Full(directory));
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException(root, $"it (or a directory inside it) cannot be created: {exception.Message}", exception);
        }

        CheckLayout();
        ProveLocking();
        RecoverJournal();
        StorageLog.Ready(_logger, root);
    }

    private void CheckLayout()
    {
        var path = Layout.Full(StorageLayout.LayoutFile);
        if (ReadBytes(path) is { } bytes)
        {
            var layout = ParseFile(path, bytes, StorageJsonContext.Files.LayoutDocument, l => l.SchemaVersion);
            if (layout.Layout != StorageLayout.LayoutName)
            {
                throw new StorageCorruptException(path, $"its layout is '{layout.Layout}', not '{StorageLayout.LayoutName}': the directory belongs to something else.");
            }

            return;
        }

        var document = new LayoutDocument { SchemaVersion = StorageSchema.Current, Layout = StorageLayout.LayoutName, CreatedAt = _time.GetUtcNow() };
        try
        {
            // Several processes, or stores of one process, may create it at once; each uses its own temp file and every
            // rename gives the same content.
            DurableFile.Replace(path, StorageLayout.UniqueTempPathOf(path), JsonSerializer.SerializeToUtf8Bytes(document, StorageJsonContext.Files.LayoutDocument));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException(Layout.Root, $"it is not writable: {exception.Message}", exception);
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
        var probe = Path.Join(Locks.Directory, $"probe-{StorageLayout.UniqueSuffix()}.lock");
        using (var first = StripeLocks.TryOpen(probe))
        {
            using var second = StripeLocks.TryOpen(probe);
            if (first is null || second is not null)
            {
                throw new StorageUnavailableException(Locks.Directory, "file locks do not work here (DOTNET_SYSTEM_IO_DISABLEFILELOCKING is set, or the file system does not support flock). Concurrent plugin processes would lose updates; use a local file system and unset that variable.");
            }
        }

        File.Delete(probe);
    }

    /// <summary>
    /// Recovers what crashed processes left: committed batches are rolled forward, interrupted saves reconciled, and
    /// temp files of dead processes removed. Only the journal (a handful of entries) is listed, never the data
    /// directories, so start-up cost does not grow with the store. Anything locked by a live process is its own
    /// business and left alone.
    /// </summary>
    private void RecoverJournal()
    {
        var journal = Layout.Full(StorageLayout.JournalDirectory);
        var files = Directory.GetFiles(journal);
        foreach (var path in files.Where(p => p.EndsWith(StorageLayout.TempExtension, StringComparison.Ordinal)))
        {
            RemoveIfAbandoned(path);
        }

        foreach (var path in Directory.GetFiles(Layout.Root, StorageLayout.LayoutFile + ".*" + StorageLayout.TempExtension))
        {
            RemoveIfAbandoned(path);
        }

        var records = files.Where(p => p.EndsWith(StorageLayout.DocumentExtension, StringComparison.Ordinal)).ToArray();
        foreach (var path in records.Where(p => Path.GetFileName(p).StartsWith(StorageLayout.BatchPrefix, StringComparison.Ordinal)))
        {
            Attempt(path, () => RecoverBatch(path));
        }

        foreach (var path in records.Where(p => !Path.GetFileName(p).StartsWith(StorageLayout.BatchPrefix, StringComparison.Ordinal)))
        {
            Attempt(path, () => RecoverIntent(path));
        }
    }

    private void Attempt(string path, Action recover)
    {
        try
        {
            recover();
        }
        catch (Exception exception) when (exception is StorageException or IOException or UnauthorizedAccessException)
        {
            // One damaged aggregate must not stop every plugin call: its record stays, and whoever touches that
            // aggregate gets the error naming the file.
            StorageLog.RecoveryFailed(_logger, exception, path, exception.Message);
        }
    }

    private void RecoverBatch(string path)
    {
        if (ReadBatch(path) is not { } batch)
        {
            return;
        }

        var kind = MachineFiles.Instance;
        using var held = Locks.TryAcquire(batch.Machines.Select(m => StripeLocks.StripeOf(kind.Name, m.Document.Id)));
        if (held is null)
        {
            StorageLog.RecoveryDeferred(_logger, path);
            return;
        }

        foreach (var member in batch.Machines)
        {
            var id = FileNames.CheckId(kind.IdKind, member.Document.Id);
            RollForward(kind, batch.Id, member);
            var entries = new HashSet<string>(member.Entries, StringComparer.Ordinal);
            var intentPath = Layout.IntentPath(kind.Name, id);
            if (TryReadIntent(intentPath) is { } intent && intent.BatchId == batch.Id)
            {
                entries.UnionWith(intent.Entries);
                File.Delete(intentPath);
            }

            var (removed, ensured) = Reconcile(kind, id, entries);
            File.Delete(StorageLayout.TempPathOf(Layout.DocumentPath(kind.Directory, id)));
            StorageLog.RecoveredSave(_logger, kind.Name, id, removed, ensured);
        }

        File.Delete(path);
    }

    private void RecoverIntent(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        // journal/<kind>-<id>.json; kind names have no '-'.
        var name = Path.GetFileNameWithoutExtension(path);
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return;
        }

        var (kindName, id) = (name[..dash], name[(dash + 1)..]);
        if (!FileNames.IsSafeId(id))
        {
            return;
        }

        using var held = Locks.TryAcquire([StripeLocks.StripeOf(kindName, id)]);
        if (held is null)
        {
            StorageLog.RecoveryDeferred(_logger, path);
            return;
        }

        switch (kindName)
        {
            case "template":
                RecoverIfPending(TemplateFiles.Instance, id);
                break;
            case "request":
                RecoverIfPending(RequestFiles.Instance, id);
                break;
            case "machine":
                RecoverIfPending(MachineFiles.Instance, id);
                break;
            default:
                break;
        }
    }

    private void RemoveIfAbandoned(string path)
    {
        // <target>.<pid>-<n>.tmp: remove when that process is gone, or when it is so old the pid must have been reused.
        var ownerAlive = StorageLayout.OwnerOfTemp(path) is { } pid && IsAlive(pid);
        var old = _time.GetUtcNow() - File.GetLastWriteTimeUtc(path) > AbandonedTempAge;
        if (!ownerAlive || old)
        {
            File.Delete(path);
            StorageLog.RemovedAbandonedTemp(_logger, path);
        }
    }

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
