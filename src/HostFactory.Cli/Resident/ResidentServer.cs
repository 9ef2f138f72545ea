using System.CommandLine;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using HostFactory.Cli.Commands;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Logging;
using HostFactory.Cli.Protocol;
using HostFactory.Common;
using HostFactory.Configuration;
using HostFactory.Hosting.Failures;
using Microsoft.Win32.SafeHandles;

namespace HostFactory.Cli.Resident;

/// <summary>
/// The resident process (<c>hostfactory resident serve</c>, started by <see cref="ResidentLauncher"/>): it keeps one
/// <see cref="HostFactoryContainer"/> and serves protocol calls handed over on its socket, each in a scope of its own
/// and concurrently, exactly as separate processes would run them (the store's file locks order them the same way).
/// Host Factory's process per call then costs little more than the runtime's start. It ends after
/// <c>hostFactory:resident:idleSeconds</c> without a call, on SIGTERM or <c>hostfactory resident stop</c>, or when its
/// socket is removed (the work directory deleted); a second one for the same endpoint ends at once. It answers
/// <c>hostfactory resident status</c> with <see cref="ResidentStatus"/>.
/// </summary>
internal sealed class ResidentServer
{
    private static readonly TimeSpan CallReadTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);

    private readonly HostFactoryContainer _container;
    private readonly ResidentEndpoint _endpoint;
    private readonly HostFactoryPaths _paths;
    private readonly LoadedPlugins _plugins;
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _calls = [];
    private readonly uint _userId = UnixSocket.EffectiveUserId();
    private readonly CancellationTokenSource _stopping = new();
    private readonly DateTimeOffset _since = DateTimeOffset.UtcNow;
    private long _lastActivity = Environment.TickCount64;
    private long _served;
    private int _inProgress;
    private string? _stopReason;

    private ResidentServer(HostFactoryContainer container, ResidentEndpoint endpoint, HostFactoryPaths paths, LoadedPlugins plugins)
    {
        _container = container;
        _endpoint = endpoint;
        _paths = paths;
        _plugins = plugins;
    }

    /// <summary>The hidden <c>resident serve</c> verb.</summary>
    public static Command CreateCommand(VerbRunner runner, GlobalOptions options)
    {
        var command = new Command(ResidentLauncher.ServeVerb, "Serves protocol calls from a resident process (started by the protocol verbs themselves).")
        {
            Hidden = true,
        };
        // Through the verb runner like every verb: a configuration it cannot load ends it with one line and exit code 5.
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(
            options.ConfigPath(parseResult), $"{ResidentLauncher.Verb} {ResidentLauncher.ServeVerb}", asJson: false,
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
        using var plugins = LoadedPlugins.Watch();
        await using (var container = HostFactoryContainer.Build(paths, logToFile: true, console.Error))
        {
            if (!container.Resident.Enabled)
            {
                return ExitCodes.Success;
            }

            // SIGTERM is handled from before the pid file names this process: one sent as soon as the file can be
            // read stops the server in order (socket removed, stop logged) instead of killing it with its socket left.
            var server = new ResidentServer(container, endpoint, paths, plugins);
            using var terminate = server.StopOnSigterm();
            if (await TryWriteProcessIdAsync(endpoint))
            {
                try
                {
                    return await server.ServeAsync();
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

        CliLog.ResidentStarted(_container.Logger, Environment.ProcessId, _endpoint.SocketPath, _container.Resident.IdleTimeout.TotalSeconds);
        var watch = WatchAsync();

        while (!_stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(_stopping.Token);
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
        CliLog.ResidentStopped(_container.Logger, Environment.ProcessId, _stopReason!, Interlocked.Read(ref _served));
        return ExitCodes.Success;
    }

    private PosixSignalRegistration StopOnSigterm() => PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        Stop("SIGTERM");
    });

    /// <summary>Stops taking connections (once; the first reason is the one logged); calls in progress finish.</summary>
    private void Stop(string reason)
    {
        lock (_gate)
        {
            if (_stopReason is not null)
            {
                return;
            }

            _stopReason = reason;
        }

        _stopping.Cancel();
    }

    private async Task WatchAsync()
    {
        using var timer = new PeriodicTimer(WatchInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                bool idle;
                lock (_gate)
                {
                    idle = _calls.Count == 0 && Environment.TickCount64 - Interlocked.Read(ref _lastActivity) >= (long)_container.Resident.IdleTimeout.TotalMilliseconds;
                }

                if (idle || !File.Exists(_endpoint.SocketPath))
                {
                    Stop(idle ? "idle" : "its socket was removed");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by a signal or by 'hostfactory resident stop'.
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

            ResidentRequest request;
            using (var timeout = new CancellationTokenSource(CallReadTimeout))
            {
                request = await ResidentFrames.ReadRequestAsync(stream, timeout.Token);
            }

            switch (request)
            {
                case ResidentCall call when ProtocolVerbs.Names.Contains(call.Verb):
                    stream.WriteByte(ResidentFrames.Accepted);
                    ResidentAnswer answer;
                    Interlocked.Increment(ref _inProgress);
                    try
                    {
                        answer = await RunAsync(call);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _inProgress);
                    }

                    Interlocked.Increment(ref _served);
                    CliLog.ResidentServed(_container.Logger, Environment.ProcessId, call.Verb, answer.ExitCode);
                    await stream.WriteAsync(ResidentFrames.Encode(answer));
                    break;
                case ResidentCall call:
                    CliLog.ResidentDropped(_container.Logger, $"'{call.Verb}' is not a protocol verb");
                    break;
                case ResidentControl { Command: ResidentControl.Status }:
                    stream.WriteByte(ResidentFrames.Accepted);
                    await stream.WriteAsync(Status().Encode());
                    break;
                case ResidentControl { Command: ResidentControl.Stop }:
                    stream.WriteByte(ResidentFrames.Accepted);
                    Stop("stopped by 'hostfactory resident stop'");
                    break;
                case ResidentControl control:
                    CliLog.ResidentDropped(_container.Logger, $"'{control.Command}' is not a control request");
                    break;
            }
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or OperationCanceledException or SocketException)
        {
            CliLog.ResidentDropped(_container.Logger, exception.Message);
        }
    }

    private ResidentStatus Status() => new(
        Environment.ProcessId,
        _since,
        Interlocked.Read(ref _served),
        Volatile.Read(ref _inProgress),
        _container.Resident.IdleTimeout,
        _endpoint.Fingerprint,
        _paths,
        _plugins.Snapshot());

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
