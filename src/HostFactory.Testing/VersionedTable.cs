using HostFactory.Domain.Common;

namespace HostFactory.Testing;

/// <summary>
/// The storage behind the in-memory stores: snapshots by id with the optimistic-concurrency rules of the store ports,
/// under one lock. Saves are checked and written all or nothing.
/// </summary>
internal sealed class VersionedTable<TId, TSnapshot>(string entity, Func<TSnapshot, long> versionOf, Func<TSnapshot, long, TSnapshot> withVersion)
    where TId : notnull
    where TSnapshot : class
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TId, TSnapshot> _rows = [];
    private int _conflictsToInject;
    private Func<TId, bool> _conflictFilter = static _ => true;

    public int SaveCount { get; private set; }

    public TSnapshot? Get(TId id)
    {
        lock (_lock)
        {
            return _rows.GetValueOrDefault(id);
        }
    }

    public List<TSnapshot> Where(Func<TSnapshot, bool> predicate)
    {
        lock (_lock)
        {
            return _rows.Values.Where(predicate).ToList();
        }
    }

    /// <summary>Checks every (id, loaded version, new snapshot) and writes all of them, or throws and writes none.</summary>
    /// <returns>The new version of each, in order.</returns>
    public long[] Save(IReadOnlyList<(TId Id, long LoadedVersion, TSnapshot Snapshot)> rows)
    {
        lock (_lock)
        {
            foreach (var (id, loaded, _) in rows)
            {
                InjectConflict(id, loaded);
                var stored = _rows.TryGetValue(id, out var row) ? versionOf(row) : 0;
                if (stored != loaded)
                {
                    throw new ConcurrencyException(entity, id.ToString() ?? string.Empty, loaded, stored);
                }
            }

            var versions = new long[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                versions[i] = rows[i].LoadedVersion + 1;
                _rows[rows[i].Id] = withVersion(rows[i].Snapshot, versions[i]);
            }

            SaveCount += rows.Count;
            return versions;
        }
    }

    public void Delete(TId id, long loadedVersion)
    {
        lock (_lock)
        {
            InjectConflict(id, loadedVersion);
            var stored = _rows.TryGetValue(id, out var row) ? versionOf(row) : 0;
            if (stored == 0 || stored != loadedVersion)
            {
                throw new ConcurrencyException(entity, id.ToString() ?? string.Empty, loadedVersion, stored);
            }

            _rows.Remove(id);
        }
    }

    public void InjectConflicts(int count, Func<TId, bool>? filter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            _conflictsToInject = count;
            _conflictFilter = filter ?? (static _ => true);
        }
    }

    public int PendingConflicts
    {
        get
        {
            lock (_lock)
            {
                return _conflictsToInject;
            }
        }
    }

    /// <summary>Plays another process that saved the row just before this write: the stored version moves on.</summary>
    private void InjectConflict(TId id, long loadedVersion)
    {
        if (_conflictsToInject > 0 && loadedVersion > 0 && _rows.TryGetValue(id, out var row) && _conflictFilter(id))
        {
            _conflictsToInject--;
            _rows[id] = withVersion(row, versionOf(row) + 1);
        }
    }
}
