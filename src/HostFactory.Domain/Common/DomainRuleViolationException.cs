namespace HostFactory.Domain.Common;

/// <summary>
/// A business rule was broken, e.g. a <c>maxNumber</c> out of range or more machines added to
/// a request than it asked for. The message says which rule and which value.
/// </summary>
public sealed class DomainRuleViolationException : DomainException
{
    /// <summary>Creates the exception with a message naming the rule and the offending value.</summary>
    public DomainRuleViolationException(string message)
        : base(message)
    {
    }
}
