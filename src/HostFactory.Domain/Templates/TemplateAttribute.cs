using System.Globalization;
using HostFactory.Domain.Common;

namespace HostFactory.Domain.Templates;

/// <summary>How Host Factory reads an attribute value: as text or as a number.</summary>
public enum AttributeKind
{
    /// <summary>A text value, written <c>"String"</c> on the wire.</summary>
    String,

    /// <summary>A numeric value written as text, <c>"Numeric"</c> on the wire.</summary>
    Numeric,
}

/// <summary>
/// One named template attribute in Host Factory form: <c>"name": ["Kind", "value"]</c>.
/// A <see cref="AttributeKind.Numeric"/> value always parses as a finite number (invariant culture).
/// </summary>
public sealed record TemplateAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined value.</exception>
    /// <exception cref="DomainRuleViolationException">
    /// The name is blank, or the kind is Numeric and the value is not a number.
    /// </exception>
    public TemplateAttribute(string name, AttributeKind kind, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new DomainRuleViolationException("A template attribute needs a name.");
        }

        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a defined attribute kind.");
        }

        if (kind == AttributeKind.Numeric && !IsNumber(value))
        {
            throw new DomainRuleViolationException($"Template attribute '{name}' is Numeric but its value '{value}' is not a number.");
        }

        Name = name;
        Kind = kind;
        Value = value;
    }

    /// <summary>The attribute name, e.g. <c>ncpus</c>.</summary>
    public string Name { get; }

    /// <summary>How Host Factory reads the value.</summary>
    public AttributeKind Kind { get; }

    /// <summary>The value, always as text.</summary>
    public string Value { get; }

    private static bool IsNumber(string value) =>
        double.TryParse(
            value,
            NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture,
            out var number)
        && double.IsFinite(number);
}

/// <summary>The one spelling of <see cref="AttributeKind"/> on the wire: <c>String</c>, <c>Numeric</c>.</summary>
public static class AttributeKindWords
{
    private static readonly WordTable<AttributeKind> Table = new(
        (AttributeKind.String, "String"),
        (AttributeKind.Numeric, "Numeric"));

    /// <summary>The wire word of <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined value.</exception>
    public static string ToWord(AttributeKind kind) => Table.ToWord(kind);

    /// <summary>Reads a wire word (case-sensitive); false for anything else, including null.</summary>
    public static bool TryParse(string? word, out AttributeKind kind) => Table.TryParse(word, out kind);
}
