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

    /// <summary>
    /// Takes the template's capacity lock and holds it until the result is disposed: one holder at a time per template,
    /// across threads and processes. Whoever decides whether new machines fit the template's <c>maxNumber</c> holds it
    /// from counting what the template already uses until the new request is saved, so two requests cannot both be
    /// given the same room.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    /// <remarks>A store bounds the wait and throws its own timeout exception when the lock stays held past it.</remarks>
    Task<IDisposable> LockCapacityAsync(TemplateId id, CancellationToken cancellationToken);

    /// <summary>Deletes the template if the stored version equals its <see cref="AggregateRoot{TId}.Version"/>.</summary>
    /// <exception cref="ConcurrencyException">The stored version differs, or the template is no longer stored.</exception>
    Task DeleteAsync(Template template, CancellationToken cancellationToken);
}
