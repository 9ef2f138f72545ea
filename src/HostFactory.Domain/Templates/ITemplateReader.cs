namespace HostFactory.Domain.Templates;

/// <summary>Read-side access to templates; returns snapshots, never aggregates.</summary>
public interface ITemplateReader
{
    /// <summary>The template with that id, or null.</summary>
    Task<TemplateSnapshot?> GetAsync(TemplateId id, CancellationToken cancellationToken);

    /// <summary>Every template, ordered by CreatedAt then id.</summary>
    Task<IReadOnlyList<TemplateSnapshot>> ListAsync(CancellationToken cancellationToken);
}
