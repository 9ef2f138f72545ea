using HostFactory.Domain.Common;
using HostFactory.Domain.Requests;
using HostFactory.Storage.Json.Documents;

namespace HostFactory.Storage.Json;

/// <summary>Requests as <c>requests/&lt;id&gt;.json</c>, with <c>indexes/unfinished-requests/&lt;id&gt;</c> for every request not yet final.</summary>
internal sealed class JsonRequestStore(JsonStorage storage) : IRequestStore, IRequestReader
{
    private static readonly RequestFiles Kind = RequestFiles.Instance;

    public Task<Request?> FindAsync(RequestId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Load(id.Value) is { } snapshot ? Request.FromSnapshot(snapshot) : null);
    }

    public async Task SaveAsync(Request request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var snapshot = request.ToSnapshot();
        var id = FileNames.CheckId(Kind.IdKind, snapshot.Id.Value);
        var version = await storage.SaveAsync(Kind, id, request.Version, v => DocumentMapper.ToDocument(snapshot, v), cancellationToken);
        request.MarkPersisted(version);
    }

    public Task<IReadOnlyList<RequestId>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<RequestId> ids = [.. Unfinished().Select(r => r.Id)];
        return Task.FromResult(ids);
    }

    public Task<RequestSnapshot?> GetAsync(RequestId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Load(id.Value));
    }

    public Task<Page<RequestSnapshot>> ListAsync(RequestFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellationToken.ThrowIfCancellationRequested();

        // Only an unfinished status can be answered from the index; anything else reads every request file.
        var candidates = filter.Status is { } wanted && !wanted.IsFinished ? Unfinished() : storage.ListIds(Kind).Select(Load).OfType<RequestSnapshot>();
        var matches = candidates
            .Where(r => (filter.Kind is not { } kind || r.Kind == kind)
                && (filter.Status is not { } status || r.Status == status)
                && (filter.TemplateId is not { } templateId || r.TemplateId == templateId))
            .OrderBy(r => r.CreatedAt)
            .ThenBy(r => r.Id.Value, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(new Page<RequestSnapshot>([.. matches.Skip(filter.Offset).Take(filter.Limit)], matches.Count, filter.Offset, filter.Limit));
    }

    /// <summary>The unfinished requests, ordered; each index hit is checked against its file, so a stale entry is skipped.</summary>
    private IEnumerable<RequestSnapshot> Unfinished() =>
        storage.ListIndex(StorageLayout.UnfinishedRequests)
            .Select(Load)
            .OfType<RequestSnapshot>()
            .Where(r => !r.Status.IsFinished)
            .OrderBy(r => r.CreatedAt)
            .ThenBy(r => r.Id.Value, StringComparer.Ordinal)
            .ToList();

    private RequestSnapshot? Load(string? id)
    {
        var checkedId = FileNames.CheckId(Kind.IdKind, id);
        return storage.Read(Kind, checkedId) is { } document ? DocumentMapper.ToSnapshot(document) : null;
    }
}
