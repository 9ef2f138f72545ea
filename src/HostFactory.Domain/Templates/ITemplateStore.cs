using HostFactory.Domain.Common;

namespace HostFactory.Domain.Templates;

/// <summary>
/// Write-side persistence of templates with optimistic concurrency. Safe to use from several
/// processes at once: a lost update surfaces as <see cref="ConcurrencyException"/>, never silently.
/// </summary>
public interface ITemplateStore
{
    /// <summary>Loads a template, or null when none has that id.</summary>
    Task<Template?> FindAsync(TemplateId id, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts the template when its <see cref="AggregateRoot{TId}.Version"/> is 0, otherwise
    /// updates it if the stored version still equals it; then calls
    /// <see cref="AggregateRoot{TId}.MarkPersisted"/> with the new version.
    /// </summary>
    /// <exception cref="ConcurrencyException">
    /// Inserting an id that exists, or the stored version differs from the template's (including when it was deleted).
    /// </exception>
    Task SaveAsync(Template template, CancellationToken cancellationToken);

    /// <summary>Deletes the template if the stored version equals its <see cref="AggregateRoot{TId}.Version"/>.</summary>
    /// <exception cref="ConcurrencyException">The stored version differs, or the template is no longer stored.</exception>
    Task DeleteAsync(Template template, CancellationToken cancellationToken);
}
