using System.Text.Json;
using HostFactory.Common;
using HostFactory.Storage.Json.Documents;
using Microsoft.Extensions.Logging;

namespace HostFactory.Storage.Json;

/// <summary>
/// Finishes or undoes what a killed process left in <c>journal/</c>: committed batches are rolled forward,
/// interrupted saves have their index entries reconciled, and temp files of dead processes are removed.
/// docs/storage.md, "Crash recovery", describes the rules.
/// </summary>
internal sealed class JournalRecovery(StorageLayout layout, StripeLocks locks, DocumentReader reader, IndexEntries entries, ILogger logger, TimeProvider time)
{
    // A batch temp file older than this is abandoned even if its pid was reused by an unrelated process.
    private static readonly TimeSpan AbandonedTempAge = TimeSpan.FromHours(1);

    /// <summary>
    /// Recovers what crashed processes left: committed batches are rolled forward, interrupted saves reconciled, and
    /// temp files of dead processes removed. Only the journal (a handful of entries) is listed, never the data
    /// directories, so start-up cost does not grow with the store. Anything locked by a live process is its own
    /// business and left alone.
    /// </summary>
    public void RecoverJournal()
    {
        var journal = layout.Full(StorageLayout.JournalDirectory);
        var files = Directory.GetFiles(journal);
        foreach (var path in files.Where(p => p.EndsWith(StorageLayout.TempExtension, StringComparison.Ordinal)))
        {
            RemoveIfAbandoned(path);
        }

        foreach (var path in Directory.GetFiles(layout.Root, StorageLayout.LayoutFile + ".*" + StorageLayout.TempExtension))
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

    /// <summary>
    /// Brings one aggregate's index entries in line with its file and removes its temp file, if a journal record says
    /// a save of it was interrupted. The caller holds the aggregate's lock.
    /// </summary>
    public void RecoverIfPending<TDocument>(DocumentKind<TDocument> kind, string id)
        where TDocument : class, IStoredDocument
    {
        var intentPath = layout.IntentPath(kind.Name, id);
        if (!File.Exists(intentPath))
        {
            return;
        }

        var candidates = new HashSet<string>(StringComparer.Ordinal);
        var intent = TryReadIntent(intentPath);
        if (intent is not null)
        {
            candidates.UnionWith(intent.Entries);
            if (intent.BatchId is { } batchId && kind is MachineFiles machines && ReadBatch(layout.BatchPath(batchId)) is { } batch
                && batch.Machines.FirstOrDefault(m => m.Document.Id == id) is { } member)
            {
                RollForward(machines, batchId, member);
                candidates.UnionWith(member.Entries);
            }
        }

        var (removed, ensured) = entries.Reconcile(kind, id, candidates);
        File.Delete(StorageLayout.TempPathOf(layout.DocumentPath(kind.Directory, id)));
        if (kind is TemplateFiles)
        {
            File.Delete(StorageLayout.TempPathOf(reader.TombstonePath(id)));
        }

        File.Delete(intentPath);
        StorageLog.RecoveredSave(logger, kind.Name, id, removed, ensured);
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
            StorageLog.RecoveryFailed(logger, exception, path, exception.Message);
        }
    }

    private void RecoverBatch(string path)
    {
        if (ReadBatch(path) is not { } batch)
        {
            return;
        }

        var kind = MachineFiles.Instance;
        using var held = locks.TryAcquire(batch.Machines.Select(m => StripeLocks.StripeOf(kind.Name, m.Document.Id)));
        if (held is null)
        {
            StorageLog.RecoveryDeferred(logger, path);
            return;
        }

        foreach (var member in batch.Machines)
        {
            var id = FileNames.CheckId(kind.IdKind, member.Document.Id);
            RollForward(kind, batch.Id, member);
            var candidates = new HashSet<string>(member.Entries, StringComparer.Ordinal);
            var intentPath = layout.IntentPath(kind.Name, id);
            if (TryReadIntent(intentPath) is { } intent && intent.BatchId == batch.Id)
            {
                candidates.UnionWith(intent.Entries);
                File.Delete(intentPath);
            }

            var (removed, ensured) = entries.Reconcile(kind, id, candidates);
            File.Delete(StorageLayout.TempPathOf(layout.DocumentPath(kind.Directory, id)));
            StorageLog.RecoveredSave(logger, kind.Name, id, removed, ensured);
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

        using var held = locks.TryAcquire([StripeLocks.StripeOf(kindName, id)]);
        if (held is null)
        {
            StorageLog.RecoveryDeferred(logger, path);
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

    private void RollForward(MachineFiles kind, string batchId, BatchMemberDocument member)
    {
        var document = member.Document;
        var current = reader.ReadChecked(kind, document.Id);
        if ((current?.Version ?? 0) == document.Version - 1)
        {
            var path = layout.DocumentPath(kind.Directory, document.Id);
            DurableFile.Replace(path, StorageLayout.TempPathOf(path), JsonSerializer.SerializeToUtf8Bytes(document, kind.TypeInfo));
            StorageLog.RolledForward(logger, batchId, document.Id, document.Version);
        }
    }

    private IntentDocument? TryReadIntent(string path)
    {
        // An empty record is the usual one: nothing beyond the derivable entries to reconcile. A record with content
        // is written without fsync, so after a power cut it may be torn: that is expected, not corruption. Its
        // entries are then unknown; Reconcile still restores every entry the stored state needs.
        try
        {
            return DocumentReader.ReadBytes(path) is { Length: > 0 } bytes
                ? DocumentReader.ParseFile(path, bytes, StorageJsonContext.Files.IntentDocument, i => i.SchemaVersion)
                : null;
        }
        catch (StorageCorruptException exception)
        {
            StorageLog.UnreadableIntent(logger, path, exception.Reason);
            return null;
        }
    }

    private static BatchDocument? ReadBatch(string path) =>
        DocumentReader.ReadBytes(path) is { } bytes ? DocumentReader.ParseFile(path, bytes, StorageJsonContext.Files.BatchDocument, b => b.SchemaVersion) : null;

    private void RemoveIfAbandoned(string path)
    {
        // <target>.<pid>-<n>.tmp: remove when that process is gone, or when it is so old the pid must have been reused.
        var ownerAlive = StorageLayout.OwnerOfTemp(path) is { } pid && ProcessLiveness.IsAlive(pid);
        var old = time.GetUtcNow() - File.GetLastWriteTimeUtc(path) > AbandonedTempAge;
        if (!ownerAlive || old)
        {
            File.Delete(path);
            StorageLog.RemovedAbandonedTemp(logger, path);
        }
    }
}
