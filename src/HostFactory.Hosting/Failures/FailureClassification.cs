using HostFactory.Application.Common;
using HostFactory.Configuration;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Abstractions;
using HostFactory.Providers.Loading;
using HostFactory.Storage.Json;
using HostFactory.Storage.Postgres;
using Microsoft.Extensions.Options;

namespace HostFactory.Hosting.Failures;

/// <summary>
/// The one classification of failures both edges use: which <see cref="FailureKind"/> an exception is, and how each
/// kind is reported (the CLI's exit code, the server's HTTP status and problem type). docs/cli.md and docs/server.md
/// show <see cref="Classes"/> as the same table; a test holds every exception type of HostFactory's assemblies to it.
/// </summary>
public static class FailureClassification
{
    // Most specific first: the first rule whose type the exception is wins.
    private static readonly (Type Type, FailureKind Kind)[] Rules =
    [
        (typeof(ValidationException), FailureKind.InvalidInput),
        (typeof(InvalidIdentifierException), FailureKind.InvalidInput),
        (typeof(DomainRuleViolationException), FailureKind.InvalidInput),
        (typeof(UnknownProviderException), FailureKind.InvalidInput),
        (typeof(TemplateNotFoundException), FailureKind.NotFound),
        (typeof(RequestNotFoundException), FailureKind.NotFound),
        (typeof(MachineNotFoundException), FailureKind.NotFound),
        (typeof(OperationRefusedException), FailureKind.Refused),
        (typeof(InvalidStateTransitionException), FailureKind.Refused),
        (typeof(StorageCopyRefusedException), FailureKind.Refused),
        (typeof(ConcurrencyException), FailureKind.Conflict),
        (typeof(ConcurrencyRetryExhaustedException), FailureKind.Conflict),
        (typeof(TransientProviderException), FailureKind.ProviderUnavailable),
        (typeof(MachineProviderException), FailureKind.ProviderFailure),
        (typeof(StorageException), FailureKind.StorageFailure),
        (typeof(PostgresStorageException), FailureKind.StorageFailure),
        (typeof(StorageCopyVerificationException), FailureKind.StorageFailure),
        (typeof(TemplateFileException), FailureKind.Configuration),
        (typeof(ProviderLoadException), FailureKind.Configuration),
        (typeof(OptionsValidationException), FailureKind.Configuration),
        (typeof(OperationCanceledException), FailureKind.Cancelled),

        // The bus's registration failures are bugs of the host that built the container.
        (typeof(HandlerNotFoundException), FailureKind.Unexpected),
        (typeof(DuplicateHandlerException), FailureKind.Unexpected),
        (typeof(HandlerRegistrationException), FailureKind.Unexpected),
        (typeof(MissingHandlersException), FailureKind.Unexpected),
        (typeof(EventHandlerException), FailureKind.Unexpected),
    ];

    /// <summary>How each kind is reported, in the order of <see cref="FailureKind"/>.</summary>
    public static IReadOnlyList<FailureClass> Classes { get; } =
    [
        new(FailureKind.InvalidInput, ExitCodes.BadInput, 400, "invalid-input", "The input is invalid."),
        new(FailureKind.NotFound, ExitCodes.Refused, 404, "not-found", "Not found."),
        new(FailureKind.Refused, ExitCodes.Refused, 409, "refused", "The operation was refused."),
        new(FailureKind.Conflict, ExitCodes.ProviderOrStorageFailure, 409, "conflict", "The change conflicted with another one; try again."),
        new(FailureKind.ProviderFailure, ExitCodes.ProviderOrStorageFailure, 502, "provider-failure", "The provider failed."),
        new(FailureKind.ProviderUnavailable, ExitCodes.ProviderOrStorageFailure, 503, "provider-unavailable", "The provider is unavailable."),
        new(FailureKind.StorageFailure, ExitCodes.ProviderOrStorageFailure, 503, "storage-unavailable", "The state store is busy or unavailable; try again."),
        new(FailureKind.Configuration, ExitCodes.ConfigurationError, 500, "configuration", "The configuration is wrong; an operator must fix it."),
        new(FailureKind.Authentication, null, 401, "authentication", "Authentication is required."),
        new(FailureKind.Cancelled, ExitCodes.Cancelled, 503, "cancelled", "The call was interrupted; try again."),
        new(FailureKind.Unexpected, ExitCodes.InternalError, 500, "internal-error", "An unexpected error occurred."),
    ];

    /// <summary>The kind of an exception; <see cref="FailureKind.Unexpected"/> for any type no rule names.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>Its kind.</returns>
    public static FailureKind Classify(Exception exception) =>
        HostFactoryConfiguration.IsUnconvertibleValue(exception)
            ? FailureKind.Configuration
            : KindOf(exception.GetType()) ?? FailureKind.Unexpected;

    /// <summary>The kind a rule gives an exception type, or null when no rule names the type or one of its bases.</summary>
    /// <param name="exceptionType">A type derived from <see cref="Exception"/>.</param>
    /// <returns>Its kind, or null.</returns>
    public static FailureKind? KindOf(Type exceptionType)
    {
        foreach (var (type, kind) in Rules)
        {
            if (type.IsAssignableFrom(exceptionType))
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>How a kind is reported.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>Its row of <see cref="Classes"/>.</returns>
    public static FailureClass Of(FailureKind kind) => Classes[(int)kind];
}
