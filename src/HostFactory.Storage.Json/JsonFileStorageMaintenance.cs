using HostFactory.Storage.Json.Documents;

namespace HostFactory.Storage.Json;

/// <summary>
/// What <see cref="JsonFileStorageMaintenance"/> found (or, after a repair, what it could not fix). Paths are relative
/// to the data directory, with '/' separators.
/// </summary>
/// <param name="DataDirectory">The full path of the data directory checked.</param>
/// <param name="DocumentsChecked">How many aggregate files were read.</param>
/// <param name="CorruptFiles">Files that could not be read, each with the reason.</param>
/// <param name="MissingEntries">Index entries a document needs but that do not exist.</param>
/// <param name="StaleEntries">Index entries that no document backs.</param>
/// <param name="LeftoverTempFiles">Temp files beside the documents.</param>
/// <param name="PendingJournalRecords">Journal records of saves not finished (by a live process, or not yet recovered).</param>
public sealed record StorageCheckReport(
    string DataDirectory,
    int DocumentsChecked,
    IReadOnlyList<string> CorruptFiles,
    IReadOnlyList<string> MissingEntries,
    IReadOnlyList<string> StaleEntries,
    IReadOnlyList<string> LeftoverTempFiles,
    IReadOnlyList<string> PendingJournalRecords)
{
    /// <summary>True when nothing at all was found.</summary>
    public bool IsHealthy =>
        CorruptFiles.Count == 0 && MissingEntries.Count == 0 && StaleEntries.Count == 0
        && LeftoverTempFiles.Count == 0 && PendingJournalRecords.Count == 0;
}

/// <summary>
/// Operator tools over the whole data directory: <see cref="VerifyAsync"/> compares every index with the documents,
/// <see cref="RepairAsync"/> rebuilds the indexes from the documents. Both read every file, so they are for an
/// operator or a health check, never for the path of a Host Factory call. The stores never need them to be correct:
/// readers check each index hit and the next start recovers interrupted saves; they exist for what no process can
/// see, such as a file edited by hand or a journal record lost to a power cut on a file system without ordered
/// metadata.
/// </summary>
public sealed class JsonFileStorageMaintenance
{
    private static readonly string[] IndexDirectories =
    [
        StorageLayout.MachinesByHost, StorageLayout.MachinesByRequest, StorageLayout.ActiveMachinesByTemplate, StorageLayout.UnfinishedRequests,
    ];

    private readonly JsonStorage _storage;

    internal JsonFileStorageMaintenance(JsonStorage storage) => _storage = storage;

    /// <summary>
    /// Reads every document and every index entry and reports the differences; changes nothing (beyond the start-up
    /// recovery any first use of the storage performs). While other processes write, an entry of a save in flight can
    /// show as stale or a record as pending for a moment.
    /// </summary>
    /// <exception cref="StorageUnavailableException">The data directory cannot be used.</exception>
    public Task<StorageCheckReport> VerifyAsync(CancellationToken cancellationToken)
    {
        _storage.EnsureInitialized();
        var corrupt = new List<string>();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        var checkedCount = 0;
        checkedCount += Collect(TemplateFiles.Instance, expected, corrupt, cancellationToken);
        checkedCount += Collect(RequestFiles.Instance, expected, corrupt, cancellationToken);
        checkedCount += Collect(MachineFiles.Instance, expected, corrupt, cancellationToken);
        var existing = ExistingEntries();
        return Task.FromResult(new StorageCheckReport(
            _storage.Layout.Root,
            checkedCount,
            corrupt,
            [.. expected.Except(existing).Order(StringComparer.Ordinal)],
            [.. existing.Except(expected).Order(StringComparer.Ordinal)],
            LeftoverTemps(),
            PendingRecords()));
    }

    /// <summary>
    /// Rebuilds the indexes from the documents, one aggregate at a time under its lock (so it is safe while plugin
    /// processes run): recovers pending journal records, creates missing entries, deletes entries no document backs,
    /// and removes temp files beside documents. Corrupt files are left untouched and reported.
    /// </summary>
    /// <returns>A fresh <see cref="VerifyAsync"/> report taken after the repair.</returns>
    /// <exception cref="StorageUnavailableException">The data directory cannot be used.</exception>
    /// <exception cref="StorageLockTimeoutException">An aggregate stayed locked past the lock timeout.</exception>
    public async Task<StorageCheckReport> RepairAsync(CancellationToken cancellationToken)
    {
        _storage.EnsureInitialized();
        var byId = new Dictionary<(string Kind, string Id), List<string>>();
        foreach (var entry in ExistingEntries())
        {
            var id = entry[(entry.LastIndexOf('/') + 1)..];
            var kind = entry.StartsWith(StorageLayout.UnfinishedRequests + "/", StringComparison.Ordinal) ? RequestFiles.Instance.Name : MachineFiles.Instance.Name;
            if (!byId.TryGetValue((kind, id), out var entries))
            {
                byId[(kind, id)] = entries = [];
            }

            entries.Add(entry);
        }

        await RepairKindAsync(TemplateFiles.Instance, byId, cancellationToken);
        await RepairKindAsync(RequestFiles.Instance, byId, cancellationToken);
        await RepairKindAsync(MachineFiles.Instance, byId, cancellationToken);
        return await VerifyAsync(cancellationToken);
    }

    private async Task RepairKindAsync<TDocument>(DocumentKind<TDocument> kind, Dictionary<(string Kind, string Id), List<string>> byId, CancellationToken cancellationToken)
        where TDocument : class, IStoredDocument
    {
        var ids = _storage.ListIds(kind).Concat(byId.Keys.Where(k => k.Kind == kind.Name).Select(k => k.Id)).Distinct(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var held = await _storage.Locks.AcquireAsync([StripeLocks.StripeOf(kind.Name, id)], $"{kind.Name} '{id}'", cancellationToken);
            try
            {
                _storage.RecoverIfPending(kind, id);
                var (removed, ensured) = _storage.Reconcile(kind, id, byId.GetValueOrDefault((kind.Name, id)) ?? []);
                if (removed > 0)
                {
                    StorageLog.RepairedEntry(_storage.Logger, $"{kind.Name} {id}", $"removed {removed} stale entries, ensured {ensured}");
                }

                File.Delete(StorageLayout.TempPathOf(_storage.Layout.DocumentPath(kind.Directory, id)));
            }
            catch (StorageCorruptException)
            {
                // Left for the operator: the report lists the file.
            }
        }
    }

    private int Collect<TDocument>(DocumentKind<TDocument> kind, HashSet<string> expected, List<string> corrupt, CancellationToken cancellationToken)
        where TDocument : class, IStoredDocument
    {
        var count = 0;
        foreach (var id in _storage.ListIds(kind))
        {
            cancellationToken.ThrowIfCancellationRequested();
            count++;
            try
            {
                if (_storage.ReadChecked(kind, id) is { } document)
                {
                    expected.UnionWith(kind.IndexEntries(document));
                }
            }
            catch (Exception exception) when (exception is StorageCorruptException or StorageSchemaVersionException)
            {
                corrupt.Add($"{kind.Directory}/{id}{StorageLayout.DocumentExtension}: {exception.Message}");
            }
        }

        return count;
    }

    private HashSet<string> ExistingEntries()
    {
        var entries = new HashSet<string>(StringComparer.Ordinal);
        foreach (var index in IndexDirectories)
        {
            var root = _storage.Layout.Full(index);
            if (!Directory.Exists(root))
            {
                continue;
            }

            // unfinished-requests holds entries directly; the others one directory per key.
            foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                entries.Add(Path.GetRelativePath(_storage.Layout.Root, path).Replace('\\', '/'));
            }
        }

        return entries;
    }

    private List<string> LeftoverTemps() =>
    [
        .. new[] { StorageLayout.TemplatesDirectory, StorageLayout.RequestsDirectory, StorageLayout.MachinesDirectory, StorageLayout.JournalDirectory }
            .SelectMany(directory => Directory.EnumerateFiles(_storage.Layout.Full(directory), "*" + StorageLayout.TempExtension))
            .Select(path => Path.GetRelativePath(_storage.Layout.Root, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal),
    ];

    private List<string> PendingRecords() =>
    [
        .. Directory.EnumerateFiles(_storage.Layout.Full(StorageLayout.JournalDirectory), "*" + StorageLayout.DocumentExtension)
            .Select(path => Path.GetRelativePath(_storage.Layout.Root, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal),
    ];
}
