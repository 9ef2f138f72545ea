using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Abstractions;
using HostFactory.Providers.Configuration;
using HostFactory.Providers.Loading;
using HostFactory.Providers.Templates;
using HostFactory.Hosting;
using HostFactory.Storage.Json;
using HostFactory.Storage.Postgres;
using Microsoft.Extensions.Options;

namespace HostFactory.Cli.Infrastructure;

/// <summary>What a failed verb ends with: its exit code and a one-line reason.</summary>
/// <param name="ExitCode">One of <see cref="ExitCodes"/>.</param>
/// <param name="Message">The reason, on one line; it is the protocol's <c>message</c> and the stderr line.</param>
/// <param name="IsUnexpected">True for a bug or an unforeseen failure (logged with its stack trace).</param>
internal readonly record struct Failure(int ExitCode, string Message, bool IsUnexpected);

/// <summary>
/// The one place where an exception becomes an exit code and a message. Every verb's failure goes through
/// <see cref="Map"/>, so a new exception type is classified once for the whole CLI.
/// </summary>
internal static class ErrorMapper
{
    public static Failure Map(Exception exception) => exception switch
    {
        InputException or ValidationException or InvalidIdentifierException or DomainRuleViolationException
            => Known(ExitCodes.BadInput, exception.Message),
        NotFoundException or OperationRefusedException or InvalidStateTransitionException or UnknownProviderException
            => Known(ExitCodes.Refused, exception.Message),
        CommandFailedException failed => Known(failed.ExitCode, failed.Message),
        ConfigurationException or TemplateFileException or ProviderLoadException
            => Known(ExitCodes.ConfigurationError, exception.Message),
        OptionsValidationException options
            => Known(ExitCodes.ConfigurationError, $"Invalid configuration: {string.Join(" ", options.Failures)}"),
        _ when HostFactoryConfiguration.IsUnconvertibleValue(exception) => Known(ExitCodes.ConfigurationError, $"Invalid configuration: {exception.Message}"),
        StorageException or PostgresStorageException or StorageCopyVerificationException or ConcurrencyException
            or ConcurrencyRetryExhaustedException or MachineProviderException
            => Known(ExitCodes.ProviderOrStorageFailure, exception.Message),
        StorageCopyRefusedException => Known(ExitCodes.Refused, exception.Message),
        OperationCanceledException => Known(ExitCodes.Cancelled, "Interrupted."),
        _ => new Failure(ExitCodes.InternalError, OneLine($"Internal error ({exception.GetType().Name}): {exception.Message}"), IsUnexpected: true),
    };

    /// <summary>The text on one line: Host Factory shows the message as is and the stderr reason must be one line.</summary>
    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static Failure Known(int exitCode, string message) => new(exitCode, OneLine(message), IsUnexpected: false);
}
