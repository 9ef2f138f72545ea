using System.Diagnostics;
using HostFactory.Cli.Commands;
using HostFactory.Cli.Logging;
using HostFactory.Cli.Operator;
using HostFactory.Cli.Protocol;
using HostFactory.Cli.Resident;
using HostFactory.Hosting.Failures;

namespace HostFactory.Cli.Infrastructure;

/// <summary>How one verb run ended.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Resident">The <c>hostFactory:resident</c> settings, when the run loaded the configuration.</param>
internal readonly record struct VerbRun(int ExitCode, ResidentSettings? Resident);

/// <summary>
/// The one way every verb runs: a <see cref="CliSession"/> on this console (in the resident process's container
/// when there is one), the verb's body, and on failure the exception mapped once (<see cref="ErrorMapper"/>) to an
/// exit code, a one-line reason on stderr and, where the caller reads JSON, <c>{"message": "…"}</c> on stdout.
/// </summary>
/// <param name="console">The streams of this run.</param>
/// <param name="sharedContainer">The resident process's container, which every verb then runs in; null to build one per run.</param>
internal sealed class VerbRunner(CliConsole console, HostFactoryContainer? sharedContainer = null)
{
    /// <summary>The streams of this run.</summary>
    public CliConsole Console => console;

    /// <summary>Runs a verb's body in a session; a failure is reported once, with <c>{"message"}</c> on stdout when <paramref name="asJson"/>.</summary>
    public async Task<int> RunAsync(
        string? configPath,
        string verb,
        bool asJson,
        Func<CliSession, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken) =>
        (await RunInSessionAsync(configPath, verb, asJson, body, cancellationToken)).ExitCode;

    /// <summary>Runs an operator verb; on failure <c>{"message"}</c> goes to stdout only in JSON format.</summary>
    public Task<int> RunOperatorAsync(
        GlobalValues globals,
        string verb,
        Func<CliSession, OutputFormat, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken) =>
        RunAsync(globals.ConfigPath, verb, globals.Format == OutputFormat.Json, (session, ct) => body(session, globals.Format, ct), cancellationToken);

    /// <summary>Runs a protocol verb: exactly one JSON document on stdout, success or not.</summary>
    public Task<VerbRun> RunProtocolAsync(
        string? configPath,
        string verb,
        Func<CliSession, CancellationToken, Task<ProtocolOutcome>> body,
        CancellationToken cancellationToken) =>
        RunInSessionAsync(configPath, verb, asJson: true, async (session, ct) =>
        {
            var outcome = await body(session, ct);
            ProtocolJson.Write(console.Out, outcome.Document);
            return ExitCodes.Success;
        }, cancellationToken);

    /// <summary>
    /// Reports a failure: <c>{"message"}</c> on stdout when <paramref name="asJson"/>, a log record when the log is a
    /// file, and one line on stderr.
    /// </summary>
    public void Report(string verb, Failure failure, bool asJson, HostFactoryRuntime? runtime, Exception? exception = null)
    {
        if (asJson)
        {
            ProtocolJson.Write(console.Out, new MessageAnswer(failure.Message));
        }

        // The log gets the record (with the stack trace when unexpected) only when it is a file: on stderr it would
        // repeat the reason line below.
        if (runtime is { LogsToFile: true })
        {
            if (failure.IsUnexpected && exception is not null)
            {
                CliLog.FailedUnexpectedly(runtime.Logger, exception, verb, failure.Message);
            }
            else
            {
                CliLog.Failed(runtime.Logger, verb, failure.ExitCode, failure.Message);
            }
        }

        var prefix = verb.Length == 0 ? "hostfactory" : $"hostfactory {verb}";
        var hint = failure.IsUnexpected && runtime is { LogsToFile: true } ? $" (details in {runtime.LogDestination})" : string.Empty;
        console.Error.WriteLine($"{prefix}: {failure.Message}{hint}");
    }

    private async Task<VerbRun> RunInSessionAsync(
        string? configPath,
        string verb,
        bool asJson,
        Func<CliSession, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var session = new CliSession(console, verb, configPath, sharedContainer);
        int exitCode;
        ResidentSettings? resident;
        try
        {
            exitCode = await body(session, cancellationToken);
            if (session.StartedRuntime is { } runtime)
            {
                CliLog.Answered(runtime.Logger, verb, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        catch (Exception exception)
        {
            var failure = ErrorMapper.Map(exception);
            Report(verb, failure, asJson, session.StartedRuntime, exception);
            exitCode = failure.ExitCode;
        }
        finally
        {
            resident = session.StartedRuntime?.Container.Resident;
            await session.DisposeAsync();
        }

        return new VerbRun(exitCode, resident);
    }
}
