using System.Text.Json;
using HostFactory.Domain.Common;
using HostFactory.Storage.Json.Documents;

namespace HostFactory.Storage.Json;

/// <summary>
/// The save pipeline: under the aggregate's lock, recover a pending save, check the version, write the journal
/// record, add the new index entries, replace the document, remove the old entries and the record. docs/storage.md,
/// "The save protocol", describes it; the comments here say why each step is where it is. Ids are checked and the
/// store initialised by the caller.
/// </summary>
internal sealed class SavePipeline(
    StorageLayout layout, StripeLocks locks, DocumentReader reader, IndexEntries entries, JournalRecovery recovery, TimeProvider time)
{
    /// <summary>
    /// Saves one document under its lock with the port's version rule: insert when <paramref name="expectedVersion"/>
    /// is 0 (refused if the id exists), else update only if the stored version equals it.
    /// </summary>
    /// <returns>The version written.</returns>
    /// <exception cref="ConcurrencyException">The version rule refused the save; nothing was written.</exception>
    public async Task<long> SaveAsync<TDocument>(
        DocumentKind<TDocument> kind, string id, long expectedVersion, Func<long, TDocument> build, CancellationToken cancellationToken)
        where TDocument : class, IStoredDocument
    {
        using var held = await locks.AcquireAsync([StripeLocks.StripeOf(kind.Name, id)], $"{kind.Name} '{id}'", cancellationToken);
        return Guard(kind, id, () =>
        {
            recovery.RecoverIfPending(kind, id);
            var current = reader.ReadChecked(kind, id);
            CheckVersion(kind, id, expectedVersion, current);
            var baseVersion = expectedVersion == 0 && kind is TemplateFiles ? reader.ReadTombstoneVersion(id) : expectedVersion;
            var document = build(baseVersion + 1);
            WriteIntent(kind, current, document, batchId: null);
            entries.Remove(Apply(kind, current, document, syncDirectory: true));
            File.Delete(layout.IntentPath(kind.Name, id));
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
        var stripes = items.Select(item => StripeLocks.StripeOf(kind.Name, item.Id));
        using var held = await locks.AcquireAsync(stripes, $"{items.Count} machines", cancellationToken);
        return Guard(kind, items[0].Id, () =>
        {
            var currents = new MachineDocument?[items.Count];
            for (var i = 0; i < items.Count; i++)
            {
                recovery.RecoverIfPending(kind, items[i].Id);
                currents[i] = reader.ReadChecked(kind, items[i].Id);
                CheckVersion(kind, items[i].Id, items[i].ExpectedVersion, currents[i]);
            }

            var documents = items.Select(item => item.Build(item.ExpectedVersion + 1)).ToArray();
            var batchId = Guid.NewGuid().ToString("N");
            var batch = new BatchDocument
            {
                SchemaVersion = StorageSchema.Current,
                Id = batchId,
                StartedAt = time.GetUtcNow(),
                Machines = [.. documents.Select((document, i) => new BatchMemberDocument
                {
                    Document = document,
                    Entries = [.. IndexEntries.Of(kind, currents[i]).Union(kind.IndexEntries(document))],
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
            var batchPath = layout.BatchPath(batchId);
            DurableFile.Replace(batchPath, StorageLayout.UniqueTempPathOf(batchPath), JsonSerializer.SerializeToUtf8Bytes(batch, StorageJsonContext.Files.BatchDocument));

            var stale = new List<string>();
            for (var i = 0; i < documents.Length; i++)
            {
                stale.AddRange(Apply(kind, currents[i], documents[i], syncDirectory: false));
            }

            // One directory fsync makes every rename of the batch durable.
            DurableFile.SyncDirectory(layout.Full(kind.Directory));
            entries.Remove(stale);
            foreach (var document in documents)
            {
                File.Delete(layout.IntentPath(kind.Name, document.Id));
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
        using var held = await locks.AcquireAsync([StripeLocks.StripeOf(kind.Name, id)], $"{kind.Name} '{id}'", cancellationToken);
        Guard(kind, id, () =>
        {
            recovery.RecoverIfPending(kind, id);
            var current = reader.ReadChecked(kind, id);
            if (current is null || current.Version != expectedVersion)
            {
                throw new ConcurrencyException(kind.Entity, id, expectedVersion, current?.Version ?? 0);
            }

            // The journal record lets the next process remove the tombstone's temp file if this one dies mid-delete.
            WriteIntent(kind, current, current, batchId: null);
            var tombstone = new TemplateTombstoneDocument { SchemaVersion = StorageSchema.Current, Id = id, Version = current.Version, DeletedAt = time.GetUtcNow() };
            var tombstonePath = reader.TombstonePath(id);
            DurableFile.Replace(tombstonePath, StorageLayout.TempPathOf(tombstonePath), JsonSerializer.SerializeToUtf8Bytes(tombstone, StorageJsonContext.Files.TemplateTombstoneDocument), syncDirectory: false);
            File.Delete(layout.DocumentPath(kind.Directory, id));
            DurableFile.SyncDirectory(layout.Full(kind.Directory));
            File.Delete(layout.IntentPath(kind.Name, id));
            return 0L;
        });
    }

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
        var named = IndexEntries.Of(kind, current).Union(kind.IndexEntries(document), StringComparer.Ordinal).Except(derivable, StringComparer.Ordinal).ToList();
        var path = layout.IntentPath(kind.Name, document.Id);
        if (named.Count == 0 && batchId is null)
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
            Entries = named,
            StartedAt = time.GetUtcNow(),
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
        var oldEntries = IndexEntries.Of(kind, current);
        var newEntries = kind.IndexEntries(document);
        foreach (var entry in newEntries.Except(oldEntries, StringComparer.Ordinal))
        {
            entries.Ensure(entry);
        }

        var path = layout.DocumentPath(kind.Directory, document.Id);
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
            throw new StorageUnavailableException(layout.Root, $"saving {kind.Name} '{id}' failed: {exception.Message}", exception);
        }
    }
}
