using HostFactory.Domain.Common;

namespace HostFactory.Domain.Templates;

/// <summary>
/// The id of a template, as Host Factory knows it: 1 to 64 characters of <c>0-9 A-Z a-z - _</c>.
/// A <c>default</c> value is not a valid id.
/// </summary>
public readonly record struct TemplateId
{
    private const string IdKind = "template id";

    /// <summary>Creates an id from its text.</summary>
    /// <exception cref="InvalidIdentifierException"><paramref name="value"/> breaks the rule.</exception>
    public TemplateId(string value)
    {
        if (!IdentifierRules.IsValidName(value))
        {
            throw new InvalidIdentifierException(IdKind, value, IdentifierRules.NameRule);
        }

        Value = value;
    }

    /// <summary>The id text.</summary>
    public string Value { get; }

    /// <summary>Creates an id without throwing.</summary>
    /// <param name="value">The candidate text.</param>
    /// <param name="id">The id when valid, else <c>default</c>.</param>
    /// <param name="error">Why the text was refused, else empty.</param>
    /// <returns>True when <paramref name="value"/> is a valid template id.</returns>
    public static bool TryCreate(string? value, out TemplateId id, out string error)
    {
        if (IdentifierRules.IsValidName(value))
        {
            id = new TemplateId(value!);
            error = string.Empty;
            return true;
        }

        id = default;
        error = new InvalidIdentifierException(IdKind, value, IdentifierRules.NameRule).Message;
        return false;
    }

    /// <summary>The id text (empty for <c>default</c>).</summary>
    public override string ToString() => Value ?? string.Empty;
}
