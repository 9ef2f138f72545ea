using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace HostFactory.Providers.Abstractions;

/// <summary>What an external command did: its exit code and everything it printed.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">Everything written to stdout.</param>
/// <param name="StandardError">Everything written to stderr.</param>
public sealed record ExternalCommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The last <paramref name="maxChars"/> characters of stderr, trimmed, for error messages.</summary>
    public string StandardErrorTail(int maxChars = 2000) => ExternalCommand.Tail(StandardError, maxChars);
}

/// <summary>
/// Runs a program with an argv (never through a shell, so arguments need no quoting), feeds it stdin,
/// collects stdout and stderr, and kills its whole process tree when it outlives its timeout or the
/// caller cancels. Shared by the built-in providers and available to plugins.
/// </summary>
public static class ExternalCommand
{
    // A command that exits while a daemon it started still holds its stdout open must not hang us:
    // after the exit we wait this long for the pipes to close, then keep what was read.
    private static readonly TimeSpan DrainAfterExit = TimeSpan.FromSeconds(2);

    /// <summary>Runs <paramref name="argv"/> to completion.</summary>
    /// <param name="argv">The program (a path or a name looked up on PATH) and its arguments.</param>
    /// <param name="standardInput">Text written to stdin before it is closed; null for an empty stdin.</param>
    /// <param name="timeout">How long the program may run.</param>
    /// <param name="cancellationToken">Cancels the run; the process tree is killed.</param>
    /// <param name="workingDirectory">The working directory; null for the current one.</param>
    /// <param name="environment">Variables added to the inherited environment.</param>
    /// <returns>The exit code and output, whatever the exit code.</returns>
    /// <exception cref="ArgumentException"><paramref name="argv"/> is empty or the timeout is not positive.</exception>
    /// <exception cref="MachineProviderException">The program could not be started; the message names it.</exception>
    /// <exception cref="TimeoutException">The program outlived <paramref name="timeout"/>; its process tree was killed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the process tree was killed.</exception>
    public static async Task<ExternalCommandResult> RunAsync(
        IReadOnlyList<string> argv,
        string? standardInput,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0 || string.IsNullOrWhiteSpace(argv[0]))
        {
            throw new ArgumentException("A command needs at least a program name.", nameof(argv));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();

        using var process = new Process { StartInfo = CreateStartInfo(argv, workingDirectory, environment) };
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            throw new MachineProviderException($"Could not start '{argv[0]}': {exception.Message}.", exception);
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var drain = new CancellationTokenSource();
        var pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput, stdout, drain.Token),
            PumpAsync(process.StandardError, stderr, drain.Token));
        var feed = FeedAsync(process.StandardInput, standardInput);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            await FinishAsync(pumps, feed, drain);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException(
                $"'{argv[0]}' did not finish within {timeout.TotalSeconds:0.###} s; its process tree was killed."
                + (stderr.Length > 0 ? $" stderr: {Tail(stderr.ToString(), 500)}" : string.Empty));
        }

        await FinishAsync(pumps, feed, drain);
        return new ExternalCommandResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The last <paramref name="maxChars"/> characters of <paramref name="text"/>, trimmed.</summary>
    public static string Tail(string text, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        return trimmed.Length <= maxChars ? trimmed : "..." + trimmed[^maxChars..];
    }

    private static ProcessStartInfo CreateStartInfo(IReadOnlyList<string> argv, string? workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        var startInfo = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        for (var i = 1; i < argv.Count; i++)
        {
            startInfo.ArgumentList.Add(argv[i]);
        }

        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                startInfo.Environment[name] = value;
            }
        }

        return startInfo;
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder sink, CancellationToken cancellationToken)
    {
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
            {
                lock (sink)
                {
                    sink.Append(buffer, 0, read);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The drain window closed while a leftover child still held the pipe: keep what was read.
        }
    }

    private static async Task FeedAsync(StreamWriter writer, string? input)
    {
        try
        {
            if (!string.IsNullOrEmpty(input))
            {
                await writer.WriteAsync(input);
            }

            writer.Close();
        }
        catch (IOException)
        {
            // The program exited (or was killed) without reading all of its input: a broken pipe, not our error.
        }
    }

    private static async Task FinishAsync(Task pumps, Task feed, CancellationTokenSource drain)
    {
        if (await Task.WhenAny(pumps, Task.Delay(DrainAfterExit)) != pumps)
        {
            await drain.CancelAsync();
        }

        await pumps;
        await feed;
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill.
        }

        // Reap it so the exit code and the pipes settle before we read them.
        process.WaitForExit(5000);
    }
}
