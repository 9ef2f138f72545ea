using System.Reflection;
using HostFactory.Application;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HostFactory.Testing;

/// <summary>How <see cref="HostFactoryTestHost.Create"/> wires the application.</summary>
public sealed class HostFactoryTestHostOptions
{
    private readonly List<string> _extraProviders = [];
    private readonly List<Assembly> _handlerAssemblies = [];

    /// <summary>The start used when none is given: 2025-01-01 08:00:00 UTC.</summary>
    public static readonly DateTimeOffset DefaultStartTime = new(2025, 1, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Where the host's <see cref="FakeTimeProvider"/> starts. <see cref="DefaultStartTime"/> by default.</summary>
    public DateTimeOffset StartTime { get; set; } = DefaultStartTime;

    /// <summary>The name of the default fake provider (<see cref="HostFactoryTestHost.Provider"/>). <c>fake</c> by default.</summary>
    public string ProviderName { get; set; } = FakeMachineProvider.DefaultName;

    /// <summary>
    /// Changes the application settings. The host first sets <see cref="ApplicationOptions.ConcurrencyRetryBaseDelay"/>
    /// to zero so conflict re-runs do not slow tests down; set it back here to test the pause.
    /// </summary>
    public Action<ApplicationOptions>? ConfigureApplication { get; set; }

    /// <summary>Changes the services last, after everything else is registered (replace a port, add logging providers…).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    internal IReadOnlyList<string> ExtraProviders => _extraProviders;

    internal TestStorage? Storage { get; private set; }

    internal IReadOnlyList<Assembly> HandlerAssemblies => _handlerAssemblies;

    /// <summary>Registers a further fake provider; find it with <see cref="HostFactoryTestHost.ProviderNamed"/>.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>These options, for chaining.</returns>
    public HostFactoryTestHostOptions AddProvider(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _extraProviders.Add(name);
        return this;
    }

    /// <summary>Scans <paramref name="assembly"/> for more handlers (for example a test's own event handlers).</summary>
    /// <param name="assembly">The assembly.</param>
    /// <returns>These options, for chaining.</returns>
    public HostFactoryTestHostOptions ScanHandlers(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        _handlerAssemblies.Add(assembly);
        return this;
    }

    /// <summary>
    /// Keeps the state in other stores than the in-memory ones, so the same tests can run over a real store (the JSON
    /// file store in a temporary directory, a database). <paramref name="registerStores"/> registers the six ports
    /// (<c>ITemplateStore</c>, <c>ITemplateReader</c>, <c>IRequestStore</c>, <c>IRequestReader</c>, <c>IMachineStore</c>,
    /// <c>IMachineReader</c>); the host's in-memory <see cref="HostFactoryTestHost.Templates"/>,
    /// <see cref="HostFactoryTestHost.Requests"/> and <see cref="HostFactoryTestHost.Machines"/> are then not there
    /// (they throw): read through <see cref="HostFactoryTestHost.RequestReader"/> and the other ports instead.
    /// </summary>
    /// <param name="name">What the stores are, for messages (e.g. <c>JSON files in /tmp/…</c>).</param>
    /// <param name="registerStores">Registers the six ports.</param>
    /// <param name="cleanUp">Runs when the host is disposed, after its container (e.g. deletes the temporary directory).</param>
    /// <returns>These options, for chaining.</returns>
    public HostFactoryTestHostOptions UseStorage(string name, Action<IServiceCollection> registerStores, Action? cleanUp = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(registerStores);
        Storage = new TestStorage(name, registerStores, cleanUp);
        return this;
    }
}

/// <summary>Stores chosen with <see cref="HostFactoryTestHostOptions.UseStorage"/>.</summary>
internal sealed record TestStorage(string Name, Action<IServiceCollection> Register, Action? CleanUp);
