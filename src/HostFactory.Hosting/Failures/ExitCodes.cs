namespace HostFactory.Hosting.Failures;

/// <summary>
/// The process exit codes of every <c>hostfactory</c> verb (docs/cli.md lists them). Failures get theirs from
/// <see cref="FailureClassification"/>; <see cref="Success"/> and <see cref="TimedOut"/> are outcomes, not failures.
/// </summary>
public static class ExitCodes
{
    /// <summary>The answer on stdout is the result.</summary>
    public const int Success = 0;

    /// <summary>A bug or an unexpected failure; the log has the details.</summary>
    public const int InternalError = 1;

    /// <summary>The input or the command line is wrong: invalid JSON, a wrong shape, a missing or invalid field, too big.</summary>
    public const int BadInput = 2;

    /// <summary>Refused or not found: unknown template or request, over capacity, a template that fails validation.</summary>
    public const int Refused = 3;

    /// <summary>A provider or the storage failed, or other processes kept changing the same thing: trying again may succeed.</summary>
    public const int ProviderOrStorageFailure = 4;

    /// <summary>The configuration is wrong: configuration or templates file missing or invalid, a plugin that does not load.</summary>
    public const int ConfigurationError = 5;

    /// <summary><c>--wait</c> (or the demo) gave up before the request finished.</summary>
    public const int TimedOut = 6;

    /// <summary>Interrupted (Ctrl-C / SIGTERM).</summary>
    public const int Cancelled = 130;
}
