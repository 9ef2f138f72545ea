using System.Diagnostics;
using HostFactory.Application.Requests;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Protocol;
using HostFactory.Domain.Requests;
using HostFactory.Hosting.Failures;

namespace HostFactory.Cli.Operator;

/// <summary>
/// Follows a request until it finishes, as Host Factory would: every interval, sync it with its provider and read its
/// status (<see cref="ProtocolOperations.GetRequestStatusAsync"/>), reporting progress on each round.
/// </summary>
internal static class RequestWatcher
{
    /// <summary>The pause between two polls.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Polls until the request is no longer <c>running</c>, as <c>--wait</c> shows it: a live status line on an
    /// interactive terminal when the format is a table (<see cref="TerminalRendering"/>), else a line per poll on
    /// stderr (<see cref="Describe"/>).
    /// </summary>
    /// <returns>The last status answer for the request.</returns>
    /// <exception cref="CommandFailedException">The timeout passed first (exit code <see cref="ExitCodes.TimedOut"/>).</exception>
    public static Task<RequestStatusEntry> FollowAsync(
        CliConsole console,
        OutputFormat format,
        ProtocolOperations operations,
        string requestId,
        TimeSpan timeout,
        CancellationToken cancellationToken) =>
        format == OutputFormat.Table && console.Terminal is { } terminal
            ? TerminalRendering.WithLiveStatusAsync(console, terminal, $"{requestId}: asking its provider",
                report => WaitAsync(operations, requestId, timeout, (status, elapsed) => report(Describe(status, elapsed)), cancellationToken))
            : WaitAsync(operations, requestId, timeout, (status, elapsed) => console.Error.WriteLine(Describe(status, elapsed)), cancellationToken);

    /// <summary>Polls until the request is no longer <c>running</c>.</summary>
    /// <returns>The last status answer for the request.</returns>
    /// <exception cref="CommandFailedException">The timeout passed first (exit code <see cref="ExitCodes.TimedOut"/>).</exception>
    public static async Task<RequestStatusEntry> WaitAsync(
        ProtocolOperations operations,
        string requestId,
        TimeSpan timeout,
        Action<RequestStatusEntry, TimeSpan> progress,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var status = (await operations.SyncAndGetStatusAsync([requestId], cancellationToken))[0];
            var elapsed = Stopwatch.GetElapsedTime(started);
            progress(status, elapsed);
            if (status.Status != HostFactoryWords.Running)
            {
                return status;
            }

            if (elapsed >= timeout)
            {
                throw new CommandFailedException(ExitCodes.TimedOut,
                    $"Request {requestId} is still running after {timeout.TotalSeconds:0} s; it goes on. Follow it with 'hostfactory requests show {requestId} --wait'.");
            }

            await Task.Delay(Interval, cancellationToken);
        }
    }

    /// <summary>One line: <c>req-… running: 2 succeed, 1 executing (3 s)</c>.</summary>
    public static string Describe(RequestStatusEntry status, TimeSpan elapsed)
    {
        var results = status.Machines.GroupBy(m => m.Result).Select(g => $"{g.Count()} {g.Key}");
        var machines = status.Machines.Count == 0 ? "no machines" : string.Join(", ", results);
        return $"{status.RequestId} {status.Status}: {machines} ({elapsed.TotalSeconds:0} s)";
    }
}
