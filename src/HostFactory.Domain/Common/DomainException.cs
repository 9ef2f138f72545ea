namespace HostFactory.Domain.Common;

/// <summary>
/// Base of the exceptions the domain throws when a rule is broken. Edges turn them into the
/// protocol's <c>message</c>, a CLI line or ProblemDetails.
/// </summary>
public abstract class DomainException : Exception
{
    /// <summary>Creates the exception with a message saying which rule was broken.</summary>
    protected DomainException(string message)
        : base(message)
    {
    }
}
