using HostFactory.Domain.Common;

namespace HostFactory.Domain.Requests;

/// <summary>Read-side access to requests; returns snapshots, never aggregates.</summary>
public interface IRequestReader
{
    /// <summary>The request with that id, or null.</summary>
    Task<RequestSnapshot?> GetAsync(RequestId id, CancellationToken cancellationToken);

    /// <summary>One page of the requests matching <paramref name="filter"/>, ordered by CreatedAt then id.</summary>
    Task<Page<RequestSnapshot>> ListAsync(RequestFilter filter, CancellationToken cancellationToken);
}
