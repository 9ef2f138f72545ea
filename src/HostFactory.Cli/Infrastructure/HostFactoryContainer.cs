using HostFactory.Cli.Logging;
using HostFactory.Cli.Resident;
using HostFactory.Cli.Telemetry;
using HostFactory.Configuration;
using HostFactory.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HostFactory.Cli.Infrastructure;

/// <summary>
/// The configuration loaded and the container built by <c>AddHostFactory</c> with the CLI's logging: what one CLI
/// process builds once, and what the resident process (<see cref="ResidentServer"/>) keeps for every call it serves.
/// Nothing heavy happens here: provider plugins are loaded only when a handler that needs them is first resolved.
/// </summary>
internal sealed class HostFactoryContainer : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly CliLoggerFactory _loggers;
    private readonly IDisposable? _telemetry;

    private HostFactoryContainer(HostFactoryPaths paths, CliLoggerFactory loggers, ServiceProvider services, ResidentSettings resident, IDisposable? telemetry)
    {
        Paths = paths;
        _loggers = loggers;
        _services = services;
        _telemetry = telemetry;
        Resident = resident;
        Logger = loggers.CreateLogger("HostFactory.Cli");
    }

    /// <summary>Where the configuration, templates, state and logs are.</summary>
    public HostFactoryPaths Paths { get; }

    /// <summary>The <c>hostFactory:resident</c> settings.</summary>
    public ResidentSettings Resident { get; }

    /// <summary>The CLI's logger.</summary>
    public ILogger Logger { get; }

    /// <summary>Where log records go: the log file, or <c>stderr</c>.</summary>
    public string LogDestination => _loggers.Destination;

    /// <summary>True when records go to a file (so a failure can be logged without adding lines to stderr).</summary>
    public bool LogsToFile => _loggers.Destination != "stderr";

    /// <summary>A new scope for one call.</summary>
    public AsyncServiceScope CreateScope() => _services.CreateAsyncScope();

    /// <summary>Loads the configuration and builds the container.</summary>
    /// <param name="paths">The resolved paths.</param>
    /// <param name="logToFile">Log to <c>hostfactory.log</c> in the log directory; else to <paramref name="stderr"/>.</param>
    /// <param name="stderr">Where logs go when not to a file.</param>
    /// <exception cref="ConfigurationException">The configuration file is missing, not JSON, or holds an invalid setting read here.</exception>
    public static HostFactoryContainer Build(HostFactoryPaths paths, bool logToFile, TextWriter stderr)
    {
        var configuration = LoadConfiguration(paths);
        var resident = ResidentSettings.Read(configuration, paths.ConfigurationFile);
        var level = MinimumLevel(configuration);
        CliLoggerFactory loggers;
        try
        {
            loggers = logToFile ? CliLoggerFactory.ToFile(paths.LogDirectory, level) : CliLoggerFactory.ToStandardError(stderr, level);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"The log directory '{paths.LogDirectory}' cannot be used: {exception.Message}", exception);
        }

        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(loggers);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddHostFactory(configuration, paths);

        // Scopes are validated as in tests; ValidateOnBuild is not: it walks every registration on every Host Factory
        // call, and the container is the same one the tests build with it on.
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        var telemetry = OtlpTelemetry.IsConfigured(Environment.GetEnvironmentVariable) ? OtlpTelemetry.Start(Environment.GetEnvironmentVariable) : null;
        return new HostFactoryContainer(paths, loggers, provider, resident, telemetry);
    }

    /// <summary>Loads the configuration file of <paramref name="paths"/>.</summary>
    /// <exception cref="ConfigurationException">The file is missing (the message names every file looked for) or not JSON (the message says where it breaks).</exception>
    public static IConfigurationRoot LoadConfiguration(HostFactoryPaths paths)
    {
        if (!File.Exists(paths.ConfigurationFile))
        {
            throw new ConfigurationException(HostFactoryPathResolver.ConfigurationNotFoundMessage(paths, Environment.GetEnvironmentVariable));
        }

        try
        {
            return HostFactoryConfiguration.Load(paths.ConfigurationFile);
        }
        catch (Exception exception) when (exception is FileNotFoundException or InvalidDataException or IOException or FormatException)
        {
            var problem = exception is InvalidDataException notJson ? HostFactoryConfiguration.DescribeNotJson(notJson) : exception.Message;
            throw new ConfigurationException(
                $"{problem} (configuration chosen by {paths.Source}; set HF_PROVIDER_CONFDIR or pass --config)", exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _telemetry?.Dispose();
        _loggers.Dispose();
    }

    private static LogLevel MinimumLevel(IConfiguration configuration) =>
        Enum.TryParse<LogLevel>(configuration[$"{HostFactoryConfiguration.RootSection}:logging:minimumLevel"], ignoreCase: true, out var level)
            ? level
            : LogLevel.Information;
}
