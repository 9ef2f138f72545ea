using HostFactory.Domain.Common;

namespace HostFactory.Domain.Requests;

/// <summary>
/// Write-side persistence of requests with optimistic concurrency. Safe to use from several
/// processes at once: a lost update surfaces as <see cref="ConcurrencyException"/>, never silently.
/// </summary>
public interface IRequestStore
{
    /// <summary>Loads a request, or null when none has that id.</summary>
    Task<Request?> FindAsync(RequestId id, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts the request when its <see cref="AggregateRoot{TId}.Version"/> is 0, otherwise
    /// updates it if the stored version still equals it; then calls
    /// <see cref="AggregateRoot{TId}.MarkPersisted"/> with the new version.
    /// </summary>
    /// <exception cref="ConcurrencyException">Inserting an id that exists, or the stored version differs.</exception>
    Task SaveAsync(Request request, CancellationToken cancellationToken);

    /// <summary>The ids of every request not in a final status, ordered by CreatedAt then id.</summary>
    Task<IReadOnlyList<RequestId>> ListUnfinishedAsync(CancellationToken cancellationToken);
}
