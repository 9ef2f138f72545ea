using HostFactory.Configuration;
using HostFactory.Hosting.Failures;
using Microsoft.Extensions.Options;

namespace HostFactory.Cli.Infrastructure;

/// <summary>What a failed verb ends with: its exit code and a one-line reason.</summary>
/// <param name="ExitCode">One of <see cref="ExitCodes"/>.</param>
/// <param name="Message">The reason, on one line; it is the protocol's <c>message</c> and the stderr line.</param>
/// <param name="IsUnexpected">True for a bug or an unforeseen failure (logged with its stack trace).</param>
internal readonly record struct Failure(int ExitCode, string Message, bool IsUnexpected);

/// <summary>
/// The one place where an exception becomes an exit code and a message. The exit code is the one
/// <see cref="FailureClassification"/> gives the exception's kind, as the server's problem type is; only the CLI's
/// own exceptions are given their kind here.
/// </summary>
internal static class ErrorMapper
{
    public static Failure Map(Exception exception)
    {
        if (exception is CommandFailedException failed)
        {
            // A known outcome that is not a success (a timed-out wait, an unhealthy provider): the verb chose its code.
            return Known(failed.ExitCode, failed.Message);
        }

        var kind = exception switch
        {
            InputException => FailureKind.InvalidInput,
            ConfigurationException => FailureKind.Configuration,
            _ => FailureClassification.Classify(exception),
        };
        var exitCode = FailureClassification.Of(kind).ExitCode ?? ExitCodes.InternalError;
        return kind switch
        {
            FailureKind.Unexpected => new Failure(exitCode, OneLine($"Internal error ({exception.GetType().Name}): {exception.Message}"), IsUnexpected: true),
            FailureKind.Cancelled => Known(exitCode, "Interrupted."),
            _ when exception is OptionsValidationException options => Known(exitCode, $"Invalid configuration: {string.Join(" ", options.Failures)}"),
            _ when HostFactoryConfiguration.IsUnconvertibleValue(exception) => Known(exitCode, $"Invalid configuration: {exception.Message}"),
            _ => Known(exitCode, exception.Message),
        };
    }

    /// <summary>The text on one line: Host Factory shows the message as is and the stderr reason must be one line.</summary>
    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static Failure Known(int exitCode, string message) => new(exitCode, OneLine(message), IsUnexpected: false);
}
