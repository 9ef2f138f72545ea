namespace HostFactory.Hosting.Failures;

/// <summary>How both edges report one <see cref="FailureKind"/>.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="ExitCode">The CLI's exit code (one of <see cref="ExitCodes"/>); null for a kind only the server meets.</param>
/// <param name="HttpStatus">The server's HTTP status.</param>
/// <param name="ProblemType">The server's problem type, after <c>urn:hostfactory:problem:</c>.</param>
/// <param name="Title">The problem's title: a short summary that does not change between occurrences.</param>
public sealed record FailureClass(FailureKind Kind, int? ExitCode, int HttpStatus, string ProblemType, string Title);
