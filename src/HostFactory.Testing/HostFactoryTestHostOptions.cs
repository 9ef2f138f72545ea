using System.Reflection;
using HostFactory.Application;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Testing;

/// <summary>How <see cref="HostFactoryTestHost.Create"/> wires the application.</summary>
public sealed class HostFactoryTestHostOptions
{
    private readonly List<string> _extraProviders = [];
    private readonly List<Assembly> _handlerAssemblies = [];

    /// <summary>Where the <see cref="ManualTimeProvider"/> starts. <see cref="ManualTimeProvider.DefaultStart"/> by default.</summary>
    public DateTimeOffset StartTime { get; set; } = ManualTimeProvider.DefaultStart;

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
}
