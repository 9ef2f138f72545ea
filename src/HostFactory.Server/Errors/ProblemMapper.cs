using HostFactory.Cqrs;
using HostFactory.Hosting.Failures;
using HostFactory.Server.Security;

namespace HostFactory.Server.Errors;

/// <summary>What the client is told about a failure: RFC 9457 fields, and the input errors of a 400.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Type">A URI naming the kind of problem.</param>
/// <param name="Title">A short summary that does not change between occurrences.</param>
/// <param name="Detail">What happened this time; never internals for an unexpected failure.</param>
/// <param name="Errors">Input errors by field, for a 400; null otherwise.</param>
internal sealed record Problem(int Status, string Type, string Title, string Detail, IDictionary<string, string[]>? Errors = null);

/// <summary>
/// The one place an exception becomes an HTTP answer. The status and problem type are the ones
/// <see cref="FailureClassification"/> gives the exception's kind, as the CLI's exit code is; only the server's own
/// exceptions are given their kind here.
/// </summary>
internal static class ProblemMapper
{
    // A URN rather than a URL: the kinds are documented in docs/server.md, "Errors", and need not resolve.
    private const string TypeBase = "urn:hostfactory:problem:";

    public static Problem Map(Exception exception)
    {
        if (exception is BadHttpRequestException badRequest)
        {
            // ASP.NET Core's own refusal of the request (unreadable, too large): its status says which.
            return new(badRequest.StatusCode, TypeBase + "invalid-input", "The request could not be read.", Unreadable(badRequest));
        }

        var kind = exception switch
        {
            UnauthorizedCallException => FailureKind.Authentication,
            InvalidTemplateBodyException => FailureKind.InvalidInput,
            ConfigurationFileNotFoundException => FailureKind.Configuration,
            _ => FailureClassification.Classify(exception),
        };
        var failure = FailureClassification.Of(kind);
        var detail = kind == FailureKind.Unexpected
            ? "The server could not complete the call; the server log has the details."
            : exception.Message;
        var errors = exception switch
        {
            ValidationException validation => validation.Errors.GroupBy(e => e.Member, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal),
            InvalidTemplateBodyException template => new Dictionary<string, string[]>(StringComparer.Ordinal) { ["template"] = [.. template.Problems] },
            _ => null,
        };
        return new(failure.HttpStatus, TypeBase + failure.ProblemType, failure.Title, detail, errors);
    }

    // ASP.NET Core says only that it failed to read the body as JSON, and the serializer's exception inside says where
    // and why (a field of the wrong type, a count past its range, not JSON at all); for a call without a body it gives
    // a hint meant for the endpoint's developer. Say both in the client's terms.
    private static string Unreadable(BadHttpRequestException badRequest) => badRequest switch
    {
        { InnerException: System.Text.Json.JsonException json } => $"The request body is not the JSON this call takes: {json.Message}",
        _ when badRequest.Message.Contains("no body was provided", StringComparison.Ordinal) =>
            "The request has no body; this call takes a JSON object (docs/server.md lists each call's body).",
        _ => badRequest.Message,
    };
}

/// <summary>A template body breaks a rule of the templates file.</summary>
/// <param name="problems">Every problem found, each naming its field.</param>
internal sealed class InvalidTemplateBodyException(IReadOnlyList<string> problems) : Exception("The template is invalid.")
{
    /// <summary>Every problem found, each naming its field.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
