using HostFactory.Storage.Json.Documents;

namespace HostFactory.Storage.Json;

/// <summary>
/// The persisted indexes: empty files under <c>indexes/</c>, one per entry (paths relative to the data directory),
/// created, removed and reconciled with the document they belong to. The caller holds the aggregate's lock.
/// </summary>
internal sealed class IndexEntries(StorageLayout layout, DocumentReader reader)
{
    /// <summary>The entries <paramref name="document"/> implies; none for a document that does not exist.</summary>
    public static IReadOnlyList<string> Of<TDocument>(DocumentKind<TDocument> kind, TDocument? document)
        where TDocument : class, IStoredDocument =>
        document is null ? [] : kind.IndexEntries(document);

    /// <summary>
    /// Makes the entries of the stored state exist and deletes the others among <paramref name="candidates"/> and the
    /// entries derivable from the id and the stored state.
    /// </summary>
    public (int Removed, int Ensured) Reconcile<TDocument>(DocumentKind<TDocument> kind, string id, IEnumerable<string> candidates)
        where TDocument : class, IStoredDocument
    {
        var current = reader.ReadChecked(kind, id);
        var desired = Of(kind, current);
        var stale = candidates.Union(kind.RecoveryCandidates(id, current), StringComparer.Ordinal).Except(desired, StringComparer.Ordinal).ToArray();
        Remove(stale);
        foreach (var entry in desired)
        {
            Ensure(entry);
        }

        return (stale.Length, desired.Count);
    }

    /// <summary>Creates the entry <paramref name="relative"/>, and its key directory if it is the first entry there.</summary>
    public void Ensure(string relative)
    {
        var path = layout.Full(relative);
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

    /// <summary>Deletes the entries; one that does not exist is already gone.</summary>
    public void Remove(IEnumerable<string> entries)
    {
        foreach (var entry in entries)
        {
            try
            {
                File.Delete(layout.Full(entry));
            }
            catch (DirectoryNotFoundException)
            {
                // Its key directory never got created (the save stopped before its entries): nothing to remove.
            }
        }
    }

    private static void CreateEmpty(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }
}
