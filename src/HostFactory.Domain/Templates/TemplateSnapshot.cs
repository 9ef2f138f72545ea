namespace HostFactory.Domain.Templates;

/// <summary>
/// Every field of a <see cref="Template"/> as plain values: what stores persist and what
/// <see cref="ITemplateReader"/> returns. Equal when every field is equal.
/// </summary>
/// <param name="Id">The template id.</param>
/// <param name="ProviderName">The provider instance name.</param>
/// <param name="MaxNumber">-1 for unlimited, else 0..10000.</param>
/// <param name="Attributes">What the machines look like.</param>
/// <param name="ProviderSettings">Settings only the provider reads.</param>
/// <param name="Enabled">Whether requests are accepted.</param>
/// <param name="RequestTimeout">How long a request may take.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="UpdatedAt">Last change time.</param>
/// <param name="Version">The stored version (0 = never saved).</param>
public sealed record TemplateSnapshot(
    TemplateId Id,
    string ProviderName,
    int MaxNumber,
    TemplateAttributes Attributes,
    ProviderSettings ProviderSettings,
    bool Enabled,
    TimeSpan RequestTimeout,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);
