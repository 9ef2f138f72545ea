using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Abstractions;
using HostFactory.Providers.Loading;
using HostFactory.Providers.Templates;
using HostFactory.Server.Security;
using HostFactory.Storage.Json;
using HostFactory.Storage.Postgres;

namespace HostFactory.Server.Errors;

/// <summary>What the client is told about a failure: RFC 9457 fields, and the input errors of a 400.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Type">A URI naming the kind of problem.</param>
/// <param name="Title">A short summary that does not change between occurrences.</param>
/// <param name="Detail">What happened this time; never internals for a 500.</param>
/// <param name="Errors">Input errors by field, for a 400; null otherwise.</param>
internal sealed record Problem(int Status, string Type, string Title, string Detail, IDictionary<string, string[]>? Errors = null);

/// <summary>
/// The one place an exception becomes an HTTP answer: input errors 400, missing token 401, unknown thing 404,
/// refusals and conflicts 409, provider failures 502/503, storage busy 503, anything else 500 without internals.
/// </summary>
internal static class ProblemMapper
{
    // A URN rather than a URL: the kinds are documented in docs/server.md, "Errors", and need not resolve.
    private const string TypeBase = "urn:hostfactory:problem:";

    public static Problem Map(Exception exception) => exception switch
    {
        ValidationException validation => new(400, TypeBase + "invalid-input", "The input is invalid.", validation.Message,
            validation.Errors.GroupBy(e => e.Member, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal)),
        TemplateFileException templates => new(400, TypeBase + "invalid-input", "The input is invalid.", "The template is invalid.",
            new Dictionary<string, string[]>(StringComparer.Ordinal) { ["template"] = [.. templates.Problems] }),
        BadHttpRequestException badRequest => new(badRequest.StatusCode, TypeBase + "invalid-input", "The request could not be read.", badRequest.Message),
        InvalidIdentifierException or DomainRuleViolationException or UnknownProviderException =>
            new(400, TypeBase + "invalid-input", "The input breaks a rule.", exception.Message),
        UnauthorizedCallException => new(401, TypeBase + "authentication", "Authentication is required.", exception.Message),
        TemplateNotFoundException or RequestNotFoundException or MachineNotFoundException =>
            new(404, TypeBase + "not-found", "Not found.", exception.Message),
        OperationRefusedException => new(409, TypeBase + "refused", "The operation was refused.", exception.Message),
        ConcurrencyRetryExhaustedException or ConcurrencyException or InvalidStateTransitionException =>
            new(409, TypeBase + "conflict", "The change conflicted with another one; try again.", exception.Message),
        TransientProviderException or ProviderLoadException => new(503, TypeBase + "provider-unavailable", "The provider is unavailable.", exception.Message),
        MachineProviderException => new(502, TypeBase + "provider-failure", "The provider failed.", exception.Message),
        StorageLockTimeoutException or StorageUnavailableException or PostgresLockTimeoutException or PostgresStorageUnavailableException or PostgresSchemaVersionException => new(503, TypeBase + "storage-unavailable", "The state store is busy or unavailable; try again.", exception.Message),
        _ => new(500, TypeBase + "internal-error", "An unexpected error occurred.", "The server could not complete the call; the server log has the details."),
    };
}

/// <summary>No machine has the id asked for.</summary>
/// <param name="machineId">The id asked for.</param>
internal sealed class MachineNotFoundException(string machineId) : Exception($"Machine '{machineId}' does not exist.");
