namespace HostFactory.Hosting.Failures;

/// <summary>
/// What kind of failure ended an operation. Both edges report a failure by its kind: the CLI's exit code and the
/// server's problem type come from the one row <see cref="FailureClassification.Of"/> gives for it.
/// </summary>
public enum FailureKind
{
    /// <summary>The input is wrong: a field, an id, a rule of the domain, a provider name that is not configured.</summary>
    InvalidInput,

    /// <summary>The template, request or machine named does not exist.</summary>
    NotFound,

    /// <summary>An expected refusal: the input is valid but the state does not allow it (over capacity, in use, finished).</summary>
    Refused,

    /// <summary>Other processes kept changing the same thing; trying again may succeed.</summary>
    Conflict,

    /// <summary>A provider failed a call that could not be turned into a result.</summary>
    ProviderFailure,

    /// <summary>A provider is unavailable for now (throttled, unreachable); trying again later may succeed.</summary>
    ProviderUnavailable,

    /// <summary>The state store is locked too long, unreachable, damaged or of a newer schema.</summary>
    StorageFailure,

    /// <summary>The configuration is wrong: a configuration or templates file, a setting, a plugin that does not load.</summary>
    Configuration,

    /// <summary>The caller did not prove who it is (the server's bearer token); the CLI has no such failure.</summary>
    Authentication,

    /// <summary>The operation was interrupted (Ctrl-C, SIGTERM, a server stopping).</summary>
    Cancelled,

    /// <summary>A bug or an unforeseen failure; the log has the details.</summary>
    Unexpected,
}
