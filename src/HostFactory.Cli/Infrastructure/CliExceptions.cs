namespace HostFactory.Cli.Infrastructure;

/// <summary>The CLI's own input checks failed (file missing, too big, not JSON, wrong shape, missing field).</summary>
/// <param name="message">What is wrong, naming the field.</param>
internal sealed class InputException(string message) : Exception(message);

/// <summary>The configuration file could not be loaded.</summary>
/// <param name="message">What is wrong, naming the file.</param>
/// <param name="innerException">The cause.</param>
internal sealed class ConfigurationException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>The outcome is known and is not a success (an invalid template, an unhealthy provider, a demo that failed).</summary>
/// <param name="exitCode">The exit code to end with.</param>
/// <param name="message">The one-line reason.</param>
internal sealed class CommandFailedException(int exitCode, string message) : Exception(message)
{
    /// <summary>The exit code to end with.</summary>
    public int ExitCode { get; } = exitCode;
}
