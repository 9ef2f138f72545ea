using System.CommandLine;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using HostFactory.Cli.Commands;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Logging;
using HostFactory.Cli.Protocol;
using HostFactory.Common;
using HostFactory.Hosting.Failures;
using HostFactory.Providers.Configuration;
using Microsoft.Win32.SafeHandles;

namespace HostFactory.Cli.Resident;

/// <summary>
/// The resident process (<c>hostfactory resident</c>, started by <see cref="ResidentLauncher"/>): it keeps one
/// <see cref="HostFactoryContainer"/> and serves protocol calls handed over on its socket, each in a scope of its own
/// and concurrently, exactly as separate processes would run them (the store's file locks order them the same way).
/// Host Factory's process per call then costs little more than the runtime's start. It ends after
/// <c>hostFactory:resident:idleSeconds</c> without a call, on SIGTERM, or when its socket is removed (the work
/// directory deleted); a second one for the same endpoint ends at once.
/// </summary>
internal sealed class ResidentServer
{
    private static readonly TimeSpan CallReadTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);

    private readonly HostFactoryContainer _container;
    private readonly ResidentEndpoint _endpoint;
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _calls = [];
    private readonly uint _userId = UnixSocket.EffectiveUserId();
    private long _lastActivity = Environment.TickCount64;
    private long _served;

    private ResidentServer(HostFactoryContainer container, ResidentEndpoint endpoint)
    {
        _container = container;
        _endpoint = endpoint;
    }

    /// <summary>The hidden <c>resident</c> verb.</summary>
    public static Command CreateCommand(VerbRunner runner, GlobalOptions options)
    {
        var command = new Command(ResidentLauncher.Verb, "Serves protocol calls from a resident process (started by the protocol verbs themselves).")
        {
            Hidden = true,
        };
        // Through the verb runner like every verb: a configuration it cannot load ends it with one line and exit code 5.
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(
            options.ConfigPath(parseResult), ResidentLauncher.Verb, asJson: false,
            (session, _) => RunAsync(session.Console, session.ConfigPath), cancellationToken));
        return command;
    }

    /// <summary>Runs the resident process until it ends; returns its exit code.</summary>
    public static async Task<int> RunAsync(CliConsole console, string? configPath)
    {
        var paths = HostFactoryPathResolver.Resolve(Environment.GetEnvironmentVariable, configPath, CliSession.DefaultConfigDirectory);
        if (!OperatingSystem.IsLinux() || ResidentEndpoint.For(paths, Environment.GetEnvironmentVariable) is not { } endpoint)
        {
            await console.Error.WriteLineAsync($"hostfactory {ResidentLauncher.Verb}: calls are not served by a resident process here (not Linux, {ResidentEndpoint.SwitchVariable} is off, HF_PROVIDER_LOGDIR is unset, or the socket path would be too long).");
            return ExitCodes.ConfigurationError;
        }

        // Started by a call that has just used the work directory: if it is gone now (an installation removed, a test's
        // temp directory deleted), there is nothing to serve, and creating it again would leave litter behind.
        if (!Directory.Exists(paths.WorkDirectory))
        {
            return ExitCodes.Success;
        }

        // One mkdir, not Directory.CreateDirectory: if the work directory has gone since the check, this fails rather
        // than creating it again.
        if (!SingleDirectory.TryCreate(endpoint.Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute))
        {
            return ExitCodes.Success;
        }

        if ((File.GetUnixFileMode(endpoint.Directory) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            await console.Error.WriteLineAsync($"hostfactory {ResidentLauncher.Verb}: '{endpoint.Directory}' is writable by others; refusing to listen there.");
            return ExitCodes.ConfigurationError;
        }

        // The lock is held for the life of the process and never deleted (deleting a flock'ed file lets a late opener
        // lock the old inode while a newcomer locks a new one).
        using var held = TryLock(endpoint.LockPath);
        if (held is null)
        {
            return ExitCodes.Success;
        }

        var litter = StartupLitter.Before(paths.LogDirectory);
        await using (var container = HostFactoryContainer.Build(paths, logToFile: true, console.Error))
        {
            if (!container.Resident.Enabled)
            {
                return ExitCodes.Success;
            }

            if (await TryWriteProcessIdAsync(endpoint))
            {
                try
                {
                    return await new ResidentServer(container, endpoint).ServeAsync();
                }
                finally
                {
                    File.Delete(endpoint.ProcessIdPath);
                }
            }
        }

        // The work directory vanished while this process started; the logger has just created the log file, maybe
        // its directories too. Take them back once the container has closed the file.
        litter.TakeBack();
        return ExitCodes.Success;
    }

    private static async Task<bool> TryWriteProcessIdAsync(ResidentEndpoint endpoint)
    {
        try
        {
            await File.WriteAllTextAsync(endpoint.ProcessIdPath, $"{Environment.ProcessId}\n");
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    private static SafeFileHandle? TryLock(string path)
    {
        try
        {
            return FileLock.TryAcquire(path);
        }
        catch (IOException)
        {
            // A lock file this process cannot open is one it cannot serve behind: the call that started it goes on alone.
            return null;
        }
    }

    private async Task<int> ServeAsync()
    {
        // Bound under another name and renamed into place once it listens: the socket path then never names a socket
        // that refuses connections while this process lives (a client that found it between bind and listen would be
        // refused). The rename replaces a stale socket left by a killed predecessor; the lock makes this the only
        // process binding here, so a bind file left by one killed before its rename can be deleted.
        File.Delete(_endpoint.BindPath);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(_endpoint.BindPath));
        listener.Listen(128);
        File.Move(_endpoint.BindPath, _endpoint.SocketPath, overwrite: true);

        using var stopping = new CancellationTokenSource();
        var reason = "idle";
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            reason = "SIGTERM";
            stopping.Cancel();
        });
        CliLog.ResidentStarted(_container.Logger, Environment.ProcessId, _endpoint.SocketPath, _container.Resident.IdleTimeout.TotalSeconds);
        var watch = WatchAsync(r => reason = r, stopping);

        while (!stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            Track(ServeConnectionAsync(connection));
        }

        // No new connection is accepted from here; a client still in the backlog sees its connection close before the
        // call is accepted and runs the call itself.
        listener.Close();
        File.Delete(_endpoint.SocketPath);

        await watch;
        Task[] running;
        lock (_gate)
        {
            running = [.. _calls];
        }

        await Task.WhenAll(running);
        CliLog.ResidentStopped(_container.Logger, Environment.ProcessId, reason, Interlocked.Read(ref _served));
        return ExitCodes.Success;
    }

    private async Task WatchAsync(Action<string> stopReason, CancellationTokenSource stopping)
    {
        using var timer = new PeriodicTimer(WatchInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping.Token))
            {
                bool idle;
                lock (_gate)
                {
                    idle = _calls.Count == 0 && Environment.TickCount64 - Interlocked.Read(ref _lastActivity) >= (long)_container.Resident.IdleTimeout.TotalMilliseconds;
                }

                if (idle || !File.Exists(_endpoint.SocketPath))
                {
                    stopReason(idle ? "idle" : "its socket was removed");
                    await stopping.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by a signal.
        }
    }

    private void Track(Task call)
    {
        lock (_gate)
        {
            _calls.Add(call);
        }

        _ = call.ContinueWith(
            finished =>
            {
                lock (_gate)
                {
                    _calls.Remove(finished);
                    Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task ServeConnectionAsync(Socket connection)
    {
        await Task.Yield();
        Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);
        await using var stream = new NetworkStream(connection, ownsSocket: true);
        try
        {
            if (UnixSocket.PeerUserId(connection.Handle) != _userId)
            {
                CliLog.ResidentDropped(_container.Logger, "the caller runs as another user");
                return;
            }

            ResidentCall call;
            using (var timeout = new CancellationTokenSource(CallReadTimeout))
            {
                call = await ResidentFrames.ReadCallAsync(stream, timeout.Token);
            }

            if (!ProtocolVerbs.Names.Contains(call.Verb))
            {
                CliLog.ResidentDropped(_container.Logger, $"'{call.Verb}' is not a protocol verb");
                return;
            }

            stream.WriteByte(ResidentFrames.Accepted);
            var answer = await RunAsync(call);
            Interlocked.Increment(ref _served);
            CliLog.ResidentServed(_container.Logger, Environment.ProcessId, call.Verb, answer.ExitCode);
            await stream.WriteAsync(ResidentFrames.Encode(answer));
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or OperationCanceledException or SocketException)
        {
            CliLog.ResidentDropped(_container.Logger, exception.Message);
        }
    }

    private async Task<ResidentAnswer> RunAsync(ResidentCall call)
    {
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        using var output = new MemoryStream();
        using var error = new MemoryStream();
        await using var outputWriter = new StreamWriter(output, utf8, leaveOpen: true) { NewLine = "\n" };
        await using var errorWriter = new StreamWriter(error, utf8, leaveOpen: true) { AutoFlush = true, NewLine = "\n" };
        var console = new CliConsole(outputWriter, errorWriter, () => Stream.Null, isOutputRedirected: true);
        var runner = new VerbRunner(console, _container);
        var run = await ProtocolVerbs.RunAsync(runner, call.Verb, ProtocolInputSource.FromBytes(call.Input, call.Source), call.ConfigPath, CancellationToken.None);
        await outputWriter.FlushAsync();
        return new ResidentAnswer(run.ExitCode, output.ToArray(), error.ToArray());
    }
}
