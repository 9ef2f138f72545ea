using HostFactory.Domain.Common;
using HostFactory.Domain.Templates;

namespace HostFactory.Testing;

/// <summary>
/// Templates in memory, behind both the write port (<see cref="ITemplateStore"/>) and the read port
/// (<see cref="ITemplateReader"/>), with the ports' optimistic concurrency: a stale save or delete, or inserting an id
/// that exists, throws <see cref="ConcurrencyException"/>. Stores snapshots, so every load is a fresh aggregate, as
/// from a real store. Thread-safe.
/// </summary>
public sealed class InMemoryTemplateStore : ITemplateStore, ITemplateReader
{
    private readonly VersionedTable<TemplateId, TemplateSnapshot> _table =
        new("Template", static s => s.Version, static (s, version) => s with { Version = version });

    private readonly System.Collections.Concurrent.ConcurrentDictionary<TemplateId, SemaphoreSlim> _capacityLocks = new();

    /// <summary>How many templates were written so far.</summary>
    public int SaveCount => _table.SaveCount;

    /// <summary>How many injected conflicts are still to come.</summary>
    public int PendingConflicts => _table.PendingConflicts;

    /// <summary>
    /// Makes the next <paramref name="count"/> saves or deletes of an existing template (optionally only those
    /// <paramref name="filter"/> accepts) meet a concurrency conflict, as if another process had saved the template
    /// just before: its stored version really moves on, so a reload and retry succeeds.
    /// </summary>
    /// <param name="count">How many conflicts; 0 cancels any still pending.</param>
    /// <param name="filter">Which templates; all when null.</param>
    public void InjectConflicts(int count, Func<TemplateId, bool>? filter = null) => _table.InjectConflicts(count, filter);

    /// <inheritdoc />
    public Task<Template?> FindAsync(TemplateId id, CancellationToken cancellationToken) =>
        Task.FromResult(_table.Get(id) is { } snapshot ? Template.FromSnapshot(snapshot) : null);

    /// <inheritdoc />
    public Task SaveAsync(Template template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        var version = _table.Save([(template.Id, template.Version, template.ToSnapshot())])[0];
        template.MarkPersisted(version);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<IDisposable> LockCapacityAsync(TemplateId id, CancellationToken cancellationToken)
    {
        var gate = _capacityLocks.GetOrAdd(id, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    /// <inheritdoc />
    public Task DeleteAsync(Template template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        _table.Delete(template.Id, template.Version);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<TemplateSnapshot?> GetAsync(TemplateId id, CancellationToken cancellationToken) => Task.FromResult(_table.Get(id));

    /// <inheritdoc />
    public Task<IReadOnlyList<TemplateSnapshot>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TemplateSnapshot>>(
            _table.Where(static _ => true).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id.Value, StringComparer.Ordinal).ToList());

    /// <summary>Releases a capacity lock once, however often it is disposed.</summary>
    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
