using HostFactory.Domain.Common;

namespace HostFactory.Domain.Templates;

/// <summary>A template was created.</summary>
/// <param name="TemplateId">The new template.</param>
/// <param name="ProviderName">The provider instance that makes its machines.</param>
/// <param name="MaxNumber">Its machine limit (-1 = unlimited).</param>
/// <param name="OccurredAt">When it was created.</param>
public sealed record TemplateCreated(TemplateId TemplateId, string ProviderName, int MaxNumber, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A template's definition or enabled flag changed.</summary>
/// <param name="TemplateId">The template.</param>
/// <param name="ProviderName">Its provider after the change.</param>
/// <param name="MaxNumber">Its machine limit after the change.</param>
/// <param name="Enabled">Whether it accepts requests after the change.</param>
/// <param name="OccurredAt">When it changed.</param>
public sealed record TemplateUpdated(TemplateId TemplateId, string ProviderName, int MaxNumber, bool Enabled, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>A template was marked for deletion.</summary>
/// <param name="TemplateId">The template.</param>
/// <param name="OccurredAt">When it was marked.</param>
public sealed record TemplateDeleted(TemplateId TemplateId, DateTimeOffset OccurredAt) : IDomainEvent;
