namespace HostFactory.Cqrs;

/// <summary>
/// A command or query that can check its own input. The bus calls <see cref="Validate"/> before the handler and throws
/// <see cref="ValidationException"/> listing every error when there are any; the handler then does not run.
/// </summary>
public interface IValidatable
{
    /// <summary>Returns every problem with the message's input; empty when it is valid.</summary>
    IEnumerable<ValidationError> Validate();
}

/// <summary>One problem with a message's input.</summary>
/// <param name="Member">The member (property) at fault, in the caller's words.</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record ValidationError(string Member, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Member}: {Message}";
}
