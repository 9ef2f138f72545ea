using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace HostFactory.Providers.Abstractions;

/// <summary>What an external command did: its exit code and what it printed.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">Everything written to stdout (at most the run's limit, <see cref="ExternalCommand.DefaultMaxOutputChars"/> by default).</param>
/// <param name="StandardError">What was written to stderr: its last <see cref="ExternalCommand.KeptStandardErrorChars"/> characters, after <c>[earlier output dropped]</c> when there was more.</param>
public sealed record ExternalCommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The last <paramref name="maxChars"/> characters of stderr, trimmed, for error messages.</summary>
    public string StandardErrorTail(int maxChars = 2000) => ExternalCommand.Tail(StandardError, maxChars);
}

/// <summary>
/// Runs a program with an argv (never through a shell, so arguments need no quoting), feeds it stdin,
/// collects stdout and stderr, and kills its whole process tree when it outlives its timeout or the
/// caller cancels. Shared by the built-in providers and available to plugins. Memory stays bounded whatever the
/// program prints: stdout is its answer and may hold at most <see cref="DefaultMaxOutputChars"/> characters (more
/// stops it and fails the run); stderr is its log, of which the last <see cref="KeptStandardErrorChars"/> characters
/// are kept.
/// </summary>
public static class ExternalCommand
{
    /// <summary>
    /// The most characters a program may write to stdout unless the caller says otherwise: 16 Mi (an exec provider's
    /// answer about thousands of machines is a few megabytes).
    /// </summary>
    public const int DefaultMaxOutputChars = 16 * 1024 * 1024;

    /// <summary>How many of the last characters written to stderr are kept (error messages quote its tail).</summary>
    public const int KeptStandardErrorChars = 64 * 1024;

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
    /// <param name="maxOutputChars">The most characters stdout may hold; <see cref="DefaultMaxOutputChars"/> by default.</param>
    /// <returns>The exit code, stdout, and the last <see cref="KeptStandardErrorChars"/> characters of stderr, whatever the exit code.</returns>
    /// <exception cref="ArgumentException"><paramref name="argv"/> is empty, or the timeout or <paramref name="maxOutputChars"/> is not positive.</exception>
    /// <exception cref="MachineProviderException">
    /// The program could not be started, or it wrote more than <paramref name="maxOutputChars"/> characters to stdout
    /// (it was then stopped: its process tree killed, its output dropped); the message names the program and the limit.
    /// </exception>
    /// <exception cref="TimeoutException">The program outlived <paramref name="timeout"/>; its process tree was killed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the process tree was killed.</exception>
    public static async Task<ExternalCommandResult> RunAsync(
        IReadOnlyList<string> argv,
        string? standardInput,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        int maxOutputChars = DefaultMaxOutputChars)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0 || string.IsNullOrWhiteSpace(argv[0]))
        {
            throw new ArgumentException("A command needs at least a program name.", nameof(argv));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxOutputChars, 0);
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

        var stdout = new OutputSink(maxOutputChars, keepTail: false);
        var stderr = new OutputSink(KeptStandardErrorChars, keepTail: true);
        using var drain = new CancellationTokenSource();
        using var overflow = new CancellationTokenSource();
        var pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput, stdout, overflow, drain.Token),
            PumpAsync(process.StandardError, stderr, overflow, drain.Token));
        var feed = FeedAsync(process.StandardInput, standardInput);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, overflow.Token);
        deadline.CancelAfter(timeout);
        var exited = true;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            exited = false;
        }

        await FinishAsync(pumps, feed, drain);
        cancellationToken.ThrowIfCancellationRequested();
        var stderrTail = stderr.Length > 0 ? $" stderr: {Tail(stderr.ToString(), 500)}" : string.Empty;
        if (overflow.IsCancellationRequested)
        {
            // Also when it exited on its own before it could be killed: a cut answer must not pass for a whole one.
            throw new MachineProviderException(
                $"'{argv[0]}' wrote more than {maxOutputChars} characters to stdout, the most a command may answer; it was stopped and its output dropped.{stderrTail}");
        }

        if (!exited)
        {
            throw new TimeoutException($"'{argv[0]}' did not finish within {timeout.TotalSeconds:0.###} s; its process tree was killed.{stderrTail}");
        }

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

    private static async Task PumpAsync(StreamReader reader, OutputSink sink, CancellationTokenSource overflow, CancellationToken cancellationToken)
    {
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (!sink.Append(buffer.AsSpan(0, read)))
                {
                    // Over the limit: stop reading (the program is killed) rather than hold what it floods.
                    await overflow.CancelAsync();
                    return;
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

    /// <summary>
    /// Text read from one stream, never more than a limit: everything up to the limit (stdout, where more fails the run),
    /// or the last characters within it (stderr, kept in a ring so a flood costs no allocation).
    /// </summary>
    private sealed class OutputSink(int limit, bool keepTail)
    {
        private readonly StringBuilder _head = new();
        private readonly char[] _ring = keepTail ? new char[limit] : [];
        private readonly Lock _gate = new();
        private long _written;

        public long Length
        {
            get
            {
                lock (_gate)
                {
                    return keepTail ? Math.Min(_written, limit) : _head.Length;
                }
            }
        }

        /// <summary>Adds <paramref name="chars"/>; false (nothing added) when a sink that keeps the head would pass its limit.</summary>
        public bool Append(ReadOnlySpan<char> chars)
        {
            lock (_gate)
            {
                if (!keepTail)
                {
                    if (_head.Length + chars.Length > limit)
                    {
                        return false;
                    }

                    _head.Append(chars);
                    return true;
                }

                var kept = chars.Length > limit ? chars[^limit..] : chars;
                var at = (int)((_written + (chars.Length - kept.Length)) % limit);
                var first = Math.Min(kept.Length, limit - at);
                kept[..first].CopyTo(_ring.AsSpan(at));
                kept[first..].CopyTo(_ring);
                _written += chars.Length;
                return true;
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                if (!keepTail)
                {
                    return _head.ToString();
                }

                if (_written <= limit)
                {
                    return new string(_ring, 0, (int)_written);
                }

                var start = (int)(_written % limit);
                return string.Concat("[earlier output dropped] ", _ring.AsSpan(start), _ring.AsSpan(0, start));
            }
        }
    }
}
