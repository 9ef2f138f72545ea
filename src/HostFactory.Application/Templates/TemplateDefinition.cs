using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Templates;

/// <summary>
/// Everything that defines a template, as <see cref="CreateTemplate"/>, <see cref="UpdateTemplate"/> and
/// <see cref="ValidateTemplate"/> take it. The value objects check their own rules when built; the rest (id, provider
/// name, <c>maxNumber</c> range, timeout) is checked by the domain when the template is made.
/// </summary>
/// <param name="TemplateId">1–64 characters of <c>0-9 A-Z a-z - _</c>.</param>
/// <param name="ProviderName">The configured provider instance that makes the machines.</param>
/// <param name="MaxNumber">-1 for unlimited, else 0..10000.</param>
/// <param name="Attributes">What the machines look like to Host Factory.</param>
/// <param name="ProviderSettings">Settings only the provider reads; none when null.</param>
/// <param name="RequestTimeout">How long a request may take; the domain default (30 minutes) when null.</param>
/// <param name="Enabled">Whether requests are accepted.</param>
public sealed record TemplateDefinition(
    string TemplateId,
    string ProviderName,
    int MaxNumber,
    TemplateAttributes Attributes,
    ProviderSettings? ProviderSettings = null,
    TimeSpan? RequestTimeout = null,
    bool Enabled = true)
{
    /// <summary>The id, parsed. Call only after <see cref="Validate"/> passed.</summary>
    internal TemplateId Id => new(TemplateId);

    /// <summary>The settings, never null.</summary>
    internal ProviderSettings Settings => ProviderSettings ?? Domain.Templates.ProviderSettings.Empty;

    /// <summary>The input checks shared by the messages that carry a definition.</summary>
    internal static IEnumerable<ValidationError> Validate(string member, TemplateDefinition? definition)
    {
        if (definition is null)
        {
            return [new ValidationError(member, "a template definition is required.")];
        }

        var errors = InputRules.TemplateId($"{member}.{nameof(TemplateId)}", definition.TemplateId).ToList();
        if (string.IsNullOrWhiteSpace(definition.ProviderName))
        {
            errors.Add(new ValidationError($"{member}.{nameof(ProviderName)}", "a provider name is required."));
        }

        if (definition.Attributes is null)
        {
            errors.Add(new ValidationError($"{member}.{nameof(Attributes)}", "attributes are required (type, ncpus, nram)."));
        }

        return errors;
    }
}
