using HostFactory.Domain.Templates;
using HostFactory.Storage.Json.Documents;

namespace HostFactory.Storage.Json;

/// <summary>Templates as <c>templates/&lt;id&gt;.json</c>; deleting leaves <c>templates/&lt;id&gt;.tombstone</c> with the last version.</summary>
internal sealed class JsonTemplateStore(JsonStorage storage) : ITemplateStore, ITemplateReader
{
    private static readonly TemplateFiles Kind = TemplateFiles.Instance;

    public Task<Template?> FindAsync(TemplateId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Load(id.Value) is { } snapshot ? Template.FromSnapshot(snapshot) : null);
    }

    public async Task SaveAsync(Template template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        var snapshot = template.ToSnapshot();
        var id = FileNames.CheckId(Kind.IdKind, snapshot.Id.Value);
        var version = await storage.SaveAsync(Kind, id, template.Version, v => DocumentMapper.ToDocument(snapshot, v), cancellationToken);
        template.MarkPersisted(version);
    }

    public async Task<IDisposable> LockCapacityAsync(TemplateId id, CancellationToken cancellationToken)
    {
        // A named lock, not the template's stripe: the holder saves a request meanwhile, whose stripe may be the same one.
        var checkedId = FileNames.CheckId(Kind.IdKind, id.Value);
        storage.EnsureInitialized();
        return await storage.Locks.AcquireNamedAsync($"capacity-{checkedId}.lock", $"the capacity of template '{checkedId}'", cancellationToken);
    }

    public Task DeleteAsync(Template template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        return storage.DeleteTemplateAsync(FileNames.CheckId(Kind.IdKind, template.Id.Value), template.Version, cancellationToken);
    }

    public Task<TemplateSnapshot?> GetAsync(TemplateId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Load(id.Value));
    }

    public Task<IReadOnlyList<TemplateSnapshot>> ListAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<TemplateSnapshot> templates = [.. storage.ListIds(Kind)
            .Select(Load)
            .OfType<TemplateSnapshot>()
            .OrderBy(t => t.CreatedAt)
            .ThenBy(t => t.Id.Value, StringComparer.Ordinal)];
        return Task.FromResult(templates);
    }

    private TemplateSnapshot? Load(string? id)
    {
        var checkedId = FileNames.CheckId(Kind.IdKind, id);
        return storage.Read(Kind, checkedId) is { } document ? DocumentMapper.ToSnapshot(document) : null;
    }
}
