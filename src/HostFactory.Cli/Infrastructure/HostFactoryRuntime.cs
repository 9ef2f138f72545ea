using HostFactory.Configuration;
using HostFactory.Cqrs;
using HostFactory.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HostFactory.Cli.Infrastructure;

/// <summary>
/// HostFactory as one verb uses it: a <see cref="HostFactoryContainer"/> (built for this call, or the resident
/// process's) and one scope for the whole call.
/// </summary>
internal sealed class HostFactoryRuntime : IAsyncDisposable
{
    private readonly HostFactoryContainer _container;
    private readonly bool _ownsContainer;
    private readonly AsyncServiceScope _scope;

    private HostFactoryRuntime(HostFactoryContainer container, bool ownsContainer)
    {
        _container = container;
        _ownsContainer = ownsContainer;
        _scope = container.CreateScope();
    }

    /// <summary>The container this call runs in.</summary>
    public HostFactoryContainer Container => _container;

    /// <summary>Where the configuration, templates, state and logs are.</summary>
    public HostFactoryPaths Paths => _container.Paths;

    /// <summary>The CLI's logger.</summary>
    public ILogger Logger => _container.Logger;

    /// <summary>Where log records go: the log file, or <c>stderr</c>.</summary>
    public string LogDestination => _container.LogDestination;

    /// <summary>True when records go to a file (so a failure can be logged without adding lines to stderr).</summary>
    public bool LogsToFile => _container.LogsToFile;

    /// <summary>The command bus of this call's scope.</summary>
    public ICommandBus Commands => _scope.ServiceProvider.GetRequiredService<ICommandBus>();

    /// <summary>The query bus of this call's scope.</summary>
    public IQueryBus Queries => _scope.ServiceProvider.GetRequiredService<IQueryBus>();

    /// <summary>A service of this call's scope.</summary>
    public T GetRequiredService<T>()
        where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    /// <summary>A service of this call's scope, or null when none is registered.</summary>
    public T? GetService<T>()
        where T : class => _scope.ServiceProvider.GetService<T>();

    /// <summary>Imports the templates file into the store when it changed since the last import.</summary>
    public Task<TemplateImportResult> ImportTemplatesAsync(CancellationToken cancellationToken) =>
        GetRequiredService<TemplateFileImporter>().ImportIfChangedAsync(cancellationToken);

    /// <summary>Builds a container for this call alone (see <see cref="HostFactoryContainer.Build"/>).</summary>
    /// <exception cref="ConfigurationException">The configuration file is missing or not JSON.</exception>
    public static HostFactoryRuntime Start(HostFactoryPaths paths, bool logToFile, TextWriter stderr) =>
        new(HostFactoryContainer.Build(paths, logToFile, stderr), ownsContainer: true);

    /// <summary>A call in a container that outlives it (the resident process's).</summary>
    public static HostFactoryRuntime In(HostFactoryContainer container) => new(container, ownsContainer: false);

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        if (_ownsContainer)
        {
            await _container.DisposeAsync();
        }
    }
}
