using HostFactory.Cli.Logging;
using HostFactory.Cqrs;
using HostFactory.Hosting;
using HostFactory.Providers.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HostFactory.Cli.Infrastructure;

/// <summary>
/// HostFactory as one CLI invocation uses it: the configuration file loaded, the container built by
/// <c>AddHostFactory</c> with the CLI's logging, and one scope for the whole call. Nothing heavy happens here:
/// provider plugins are loaded only when a handler that needs them is first resolved, so the polling verbs that find
/// nothing to sync never load a plugin.
/// </summary>
internal sealed class HostFactoryRuntime : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly AsyncServiceScope _scope;
    private readonly CliLoggerFactory _loggers;

    private HostFactoryRuntime(HostFactoryPaths paths, CliLoggerFactory loggers, ServiceProvider services)
    {
        Paths = paths;
        _loggers = loggers;
        _services = services;
        _scope = services.CreateAsyncScope();
        Logger = loggers.CreateLogger("HostFactory.Cli");
    }

    /// <summary>Where the configuration, templates, state and logs are.</summary>
    public HostFactoryPaths Paths { get; }

    /// <summary>The CLI's logger.</summary>
    public ILogger Logger { get; }

    /// <summary>Where log records go: the log file, or <c>stderr</c>.</summary>
    public string LogDestination => _loggers.Destination;

    /// <summary>True when records go to a file (so a failure can be logged without adding lines to stderr).</summary>
    public bool LogsToFile => _loggers.Destination != "stderr";

    /// <summary>The command bus of this call's scope.</summary>
    public ICommandBus Commands => _scope.ServiceProvider.GetRequiredService<ICommandBus>();

    /// <summary>The query bus of this call's scope.</summary>
    public IQueryBus Queries => _scope.ServiceProvider.GetRequiredService<IQueryBus>();

    /// <summary>A service of this call's scope.</summary>
    public T GetRequiredService<T>()
        where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    /// <summary>Imports the templates file into the store when it changed since the last import.</summary>
    public Task<TemplateImportResult> ImportTemplatesAsync(CancellationToken cancellationToken) =>
        GetRequiredService<TemplateCatalog>().ImportIfChangedAsync(cancellationToken);

    /// <summary>Loads the configuration and builds the container.</summary>
    /// <param name="paths">The resolved paths.</param>
    /// <param name="logToFile">Log to <c>hostfactory.log</c> in the log directory; else to <paramref name="stderr"/>.</param>
    /// <param name="stderr">Where logs go when not to a file.</param>
    /// <exception cref="ConfigurationException">The configuration file is missing or not JSON.</exception>
    public static HostFactoryRuntime Start(HostFactoryPaths paths, bool logToFile, TextWriter stderr)
    {
        IConfigurationRoot configuration;
        try
        {
            configuration = HostFactoryConfiguration.Load(paths.ConfigurationFile);
        }
        catch (Exception exception) when (exception is FileNotFoundException or InvalidDataException or IOException or FormatException)
        {
            throw new ConfigurationException(
                $"{exception.Message} (configuration chosen by {paths.Source}; set HF_PROVIDER_CONFDIR or pass --config)", exception);
        }

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
        return new HostFactoryRuntime(paths, loggers, provider);
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _services.DisposeAsync();
        _loggers.Dispose();
    }

    private static LogLevel MinimumLevel(IConfiguration configuration) =>
        Enum.TryParse<LogLevel>(configuration[$"{HostFactoryConfiguration.RootSection}:logging:minimumLevel"], ignoreCase: true, out var level)
            ? level
            : LogLevel.Information;
}
