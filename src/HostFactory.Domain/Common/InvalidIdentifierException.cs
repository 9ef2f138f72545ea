namespace HostFactory.Domain.Common;

/// <summary>A text does not follow the rule of the identifier it was meant to be.</summary>
public sealed class InvalidIdentifierException : DomainException
{
    /// <summary>Creates the exception; the message names the id kind, the bad value and the rule.</summary>
    /// <param name="idKind">What the value was meant to be, e.g. <c>template id</c>.</param>
    /// <param name="value">The rejected text (may be null).</param>
    /// <param name="rule">The rule it breaks, e.g. <c>1 to 64 characters of 0-9 A-Z a-z - _</c>.</param>
    public InvalidIdentifierException(string idKind, string? value, string rule)
        : base($"{(value is null ? "(null)" : $"'{value}'")} is not a valid {idKind}: {rule}.")
    {
        IdKind = idKind;
        Value = value;
        Rule = rule;
    }

    /// <summary>What the value was meant to be, e.g. <c>request id</c>.</summary>
    public string IdKind { get; }

    /// <summary>The rejected text.</summary>
    public string? Value { get; }

    /// <summary>The rule the value breaks.</summary>
    public string Rule { get; }
}
