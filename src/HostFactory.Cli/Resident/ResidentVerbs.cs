using System.CommandLine;
using System.Globalization;
using HostFactory.Cli.Commands;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Operator;
using HostFactory.Common;
using HostFactory.Configuration;
using HostFactory.Hosting.Failures;

namespace HostFactory.Cli.Resident;

/// <summary>
/// <c>resident status|stop</c>: the resident processes of this work directory as an operator sees them, and a way to
/// end them that lets the calls in progress finish. The hidden <c>resident serve</c> is the resident process itself.
/// </summary>
internal static class ResidentVerbs
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static Command Create(VerbRunner runner, GlobalOptions options)
    {
        var group = OperatorVerbs.Group(options, ResidentLauncher.Verb,
            "Shows and stops the resident processes that serve Host Factory's calls (run with Host Factory's HF_PROVIDER_* variables).");

        var status = new Command("status", "Lists the resident processes of the work directory: pid, since when, calls served and in progress, "
            + "configuration fingerprint, idle timeout, and whether it is stale (its configuration, installation or a plugin changed since it started).");
        status.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), $"{ResidentLauncher.Verb} status", (session, format, _) =>
        {
            var paths = session.ResolvePaths();
            var views = Survey(paths);
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson<IReadOnlyList<ResidentView>>(session.Console.Out, views, static c => c.IReadOnlyListResidentView);
                return Task.FromResult(ExitCodes.Success);
            }

            if (views.Count == 0)
            {
                session.Console.Out.WriteLine($"No resident process in {Directory(paths)}.");
                return Task.FromResult(ExitCodes.Success);
            }

            var table = new TextTable("PID", "SINCE", "CALLS", "IN PROGRESS", "IDLE TIMEOUT", "FINGERPRINT", "STATE");
            foreach (var view in views)
            {
                table.Add(Number(view.ProcessId), OperatorVerbs.Time(view.Since), Number(view.CallsServed), Number(view.CallsInProgress),
                    view.IdleTimeoutSeconds is { } idle ? $"{idle.ToString(CultureInfo.InvariantCulture)} s" : null, view.Fingerprint, view.State);
            }

            table.Write(session.Console.Out);
            foreach (var view in views)
            {
                foreach (var note in view.Notes)
                {
                    session.Console.Out.WriteLine($"{view.Fingerprint}: {note}");
                }
            }

            return Task.FromResult(ExitCodes.Success);
        }, ct));

        var timeout = new Option<int>("--timeout")
        {
            Description = "How long to wait for the calls in progress to finish, in seconds (exit code 6 past it; the process still ends once they have).",
            DefaultValueFactory = _ => 120,
            HelpName = "SECONDS",
        };
        var stop = new Command("stop", "Stops the resident processes of the work directory: each takes no new call, finishes those in progress and ends. "
            + "The next protocol call runs in its own process and starts a new one.") { timeout };
        stop.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), $"{ResidentLauncher.Verb} stop", async (session, format, token) =>
        {
            var seconds = parseResult.GetValue(timeout);
            if (seconds is < 1 or > 86_400)
            {
                throw new InputException($"--timeout must be from 1 to 86400 seconds, was {seconds.ToString(CultureInfo.InvariantCulture)}.");
            }

            var paths = session.ResolvePaths();
            var stopped = await StopAllAsync(paths, TimeSpan.FromSeconds(seconds), token);
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson<IReadOnlyList<ResidentStopView>>(session.Console.Out, stopped, static c => c.IReadOnlyListResidentStopView);
            }
            else if (stopped.Count == 0)
            {
                session.Console.Out.WriteLine($"No resident process to stop in {Directory(paths)}.");
            }
            else
            {
                foreach (var view in stopped)
                {
                    session.Console.Out.WriteLine(view.Stopped
                        ? $"Stopped resident process {Number(view.ProcessId)} ({view.Fingerprint})."
                        : $"Resident process {Number(view.ProcessId)} ({view.Fingerprint}) is still finishing calls after {seconds.ToString(CultureInfo.InvariantCulture)} s; it ends once they are done.");
                }
            }

            return stopped.All(s => s.Stopped)
                ? ExitCodes.Success
                : throw new CommandFailedException(ExitCodes.TimedOut, $"a resident process still runs after {seconds.ToString(CultureInfo.InvariantCulture)} s; it ends once its calls in progress are done.");
        }, ct));

        group.Subcommands.Add(status);
        group.Subcommands.Add(stop);
        group.Subcommands.Add(ResidentServer.CreateCommand(runner, options));
        return group;
    }

    /// <summary>Asks every resident process of the work directory what it is, and tells whether it is stale.</summary>
    public static IReadOnlyList<ResidentView> Survey(HostFactoryPaths paths)
    {
        var views = new List<ResidentView>();
        foreach (var socket in Sockets(paths))
        {
            var fingerprint = Path.GetFileNameWithoutExtension(socket);
            var (outcome, reply) = ResidentClient.Control(socket, new ResidentControl(ResidentControl.Status));
            if (outcome == ResidentOutcome.Answered && TryDecode(reply) is { } status)
            {
                var notes = StaleReasons(status);
                views.Add(new ResidentView(status.ProcessId, status.Since, status.CallsServed, status.CallsInProgress, (int)status.IdleTimeout.TotalSeconds,
                    status.Fingerprint, notes.Count == 0 ? "current" : "stale", notes, socket, status.Paths.ConfigurationFile));
                continue;
            }

            var pid = ProcessIdOf(socket);
            var (state, note) = outcome switch
            {
                ResidentOutcome.Refused => ("other user", "it runs as another user; its owner can stop it."),
                _ when pid is not null => ("not answering", "it does not answer a status request (an older hostfactory, or just starting); 'kill PID' ends it, letting calls in progress finish."),
                _ => ("not running", "a socket left by a process that was killed; the next protocol call replaces it."),
            };
            views.Add(new ResidentView(pid, null, null, null, null, fingerprint, state, [note], socket, null));
        }

        return views;
    }

    /// <summary>Why <paramref name="status"/> no longer matches what a call would get now; empty when it does.</summary>
    private static List<string> StaleReasons(ResidentStatus status)
    {
        var reasons = new List<string>();
        if (ResidentEndpoint.FingerprintOf(status.Paths) is var now && now != status.Fingerprint)
        {
            reasons.Add($"the configuration or the installation changed since it started (fingerprint now {now}): calls go to a new resident process, "
                + "and this one ends when idle or on 'hostfactory resident stop'.");
        }

        foreach (var plugin in status.Plugins)
        {
            if (ResidentEndpoint.Stamp(new FileInfo(plugin.Path)) != plugin.Stamp)
            {
                reasons.Add($"the plugin {plugin.Path} changed since it was loaded: 'hostfactory resident stop' so the next call loads the new one.");
            }
        }

        return reasons;
    }

    private static async Task<IReadOnlyList<ResidentStopView>> StopAllAsync(HostFactoryPaths paths, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var asked = new List<(int ProcessId, string Fingerprint)>();
        foreach (var socket in Sockets(paths))
        {
            var (outcome, reply) = ResidentClient.Control(socket, new ResidentControl(ResidentControl.Status));
            if (outcome != ResidentOutcome.Answered || TryDecode(reply) is not { } status)
            {
                continue;
            }

            if (ResidentClient.Control(socket, new ResidentControl(ResidentControl.Stop)).Outcome == ResidentOutcome.Answered)
            {
                asked.Add((status.ProcessId, status.Fingerprint));
            }
        }

        var deadline = DateTime.UtcNow + timeout;
        while (asked.Any(a => ProcessLiveness.IsAlive(a.ProcessId)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(PollInterval, cancellationToken);
        }

        return [.. asked.Select(a => new ResidentStopView(a.ProcessId, a.Fingerprint, !ProcessLiveness.IsAlive(a.ProcessId)))];
    }

    private static string Directory(HostFactoryPaths paths) => Path.Combine(paths.WorkDirectory, ResidentEndpoint.DirectoryName);

    private static string[] Sockets(HostFactoryPaths paths)
    {
        var directory = Directory(paths);
        if (!System.IO.Directory.Exists(directory))
        {
            return [];
        }

        var sockets = System.IO.Directory.GetFiles(directory, "*.sock");
        Array.Sort(sockets, StringComparer.Ordinal);
        return sockets;
    }

    private static ResidentStatus? TryDecode(byte[] reply)
    {
        try
        {
            return ResidentStatus.Decode(reply);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>The live process named by the socket's pid file, if any.</summary>
    private static int? ProcessIdOf(string socket)
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.ChangeExtension(socket, ".pid")).Trim(), CultureInfo.InvariantCulture, out var pid) && ProcessLiveness.IsAlive(pid)
                ? pid
                : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);
}
