using HostFactory.Configuration;

namespace HostFactory.Cli.Infrastructure;

/// <summary>
/// One invocation of a verb: the console, the resolved paths, and the HostFactory runtime started on first use (so a
/// verb that fails on its input never loads the configuration or touches the store). In the resident process the
/// runtime is a scope of the container it keeps.
/// </summary>
internal sealed class CliSession : IAsyncDisposable
{
    /// <summary>The environment variable Host Factory sets to the plugin's log directory.</summary>
    public const string LogDirectoryVariable = "HF_PROVIDER_LOGDIR";

    private readonly HostFactoryContainer? _sharedContainer;
    private HostFactoryRuntime? _runtime;

    public CliSession(CliConsole console, string verb, string? configPath, HostFactoryContainer? sharedContainer = null)
    {
        Console = console;
        Verb = verb;
        ConfigPath = configPath;
        _sharedContainer = sharedContainer;
    }

    /// <summary>The streams.</summary>
    public CliConsole Console { get; }

    /// <summary>The verb, as typed (e.g. <c>getRequestStatus</c>, <c>requests show</c>).</summary>
    public string Verb { get; }

    /// <summary>The <c>--config</c> value, if given.</summary>
    public string? ConfigPath { get; }

    /// <summary>The runtime, once started.</summary>
    public HostFactoryRuntime? StartedRuntime => _runtime;

    /// <summary>The paths by Host Factory's rules: <c>--config</c>, else <c>HF_PROVIDER_*</c>, else <see cref="DefaultConfigDirectory"/>.</summary>
    public HostFactoryPaths ResolvePaths() =>
        HostFactoryPathResolver.Resolve(Environment.GetEnvironmentVariable, ConfigPath, DefaultConfigDirectory);

    /// <summary>
    /// The configuration used when nothing names one: the repository's <c>config/</c> for a build run from the repository
    /// (the quick start), else the copy beside the program (<see cref="HostFactoryPathResolver.DefaultConfigDirectory"/>).
    /// </summary>
    public static string DefaultConfigDirectory => HostFactoryPathResolver.DefaultConfigDirectory(AppContext.BaseDirectory);

    /// <summary>Starts the runtime with the paths of <see cref="ResolvePaths"/> (once).</summary>
    public HostFactoryRuntime Runtime() =>
        _runtime ??= _sharedContainer is not null
            ? HostFactoryRuntime.In(_sharedContainer)
            : HostFactoryRuntime.Start(ResolvePaths(), !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(LogDirectoryVariable)), Console.Error);

    /// <summary>Starts the runtime with the given paths, logging to a file (the demo).</summary>
    public HostFactoryRuntime Runtime(HostFactoryPaths paths) =>
        _runtime ??= HostFactoryRuntime.Start(paths, logToFile: true, Console.Error);

    public async ValueTask DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
    }
}
