using HostFactory.Domain.Common;
using HostFactory.Domain.Requests;

namespace HostFactory.Testing;

/// <summary>
/// Requests in memory, behind both <see cref="IRequestStore"/> and <see cref="IRequestReader"/>, with the ports'
/// optimistic concurrency (<see cref="ConcurrencyException"/> on a stale save or a second insert). Thread-safe.
/// </summary>
public sealed class InMemoryRequestStore : IRequestStore, IRequestReader
{
    private readonly VersionedTable<RequestId, RequestSnapshot> _table =
        new("Request", static s => s.Version, static (s, version) => s with { Version = version });

    /// <summary>How many requests were written so far.</summary>
    public int SaveCount => _table.SaveCount;

    /// <summary>How many injected conflicts are still to come.</summary>
    public int PendingConflicts => _table.PendingConflicts;

    /// <summary>
    /// Makes the next <paramref name="count"/> saves of an existing request (optionally only those
    /// <paramref name="filter"/> accepts) meet a concurrency conflict, as if another process had saved it just before.
    /// </summary>
    /// <param name="count">How many conflicts; 0 cancels any still pending.</param>
    /// <param name="filter">Which requests; all when null.</param>
    public void InjectConflicts(int count, Func<RequestId, bool>? filter = null) => _table.InjectConflicts(count, filter);

    /// <summary>Every stored request, oldest first (for assertions).</summary>
    public IReadOnlyList<RequestSnapshot> All => Ordered(_table.Where(static _ => true));

    /// <inheritdoc />
    public Task<Request?> FindAsync(RequestId id, CancellationToken cancellationToken) =>
        Task.FromResult(_table.Get(id) is { } snapshot ? Request.FromSnapshot(snapshot) : null);

    /// <inheritdoc />
    public Task SaveAsync(Request request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var version = _table.Save([(request.Id, request.Version, request.ToSnapshot())])[0];
        request.MarkPersisted(version);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RequestId>> ListUnfinishedAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RequestId>>(Ordered(_table.Where(static r => !r.Status.IsFinished)).Select(r => r.Id).ToList());

    /// <inheritdoc />
    public Task<RequestSnapshot?> GetAsync(RequestId id, CancellationToken cancellationToken) => Task.FromResult(_table.Get(id));

    /// <inheritdoc />
    public Task<Page<RequestSnapshot>> ListAsync(RequestFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var matches = Ordered(_table.Where(r =>
            (filter.Kind is null || r.Kind == filter.Kind)
            && (filter.Status is null || r.Status == filter.Status)
            && (filter.TemplateId is null || r.TemplateId == filter.TemplateId)));
        return Task.FromResult(new Page<RequestSnapshot>(matches.Skip(filter.Offset).Take(filter.Limit).ToList(), matches.Count, filter.Offset, filter.Limit));
    }

    private static List<RequestSnapshot> Ordered(IEnumerable<RequestSnapshot> requests) =>
        requests.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id.Value, StringComparer.Ordinal).ToList();
}
