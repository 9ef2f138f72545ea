using Microsoft.Extensions.Logging;

namespace HostFactory.Providers.Abstractions;

/// <summary>
/// What the host gives a provider instance: its name, a state directory of its own, logging and the clock.
/// Several processes may run the same instance at once (Host Factory starts one per operation), so
/// state kept in <see cref="StateDirectory"/> must be guarded by file locks, not in-process locks.
/// </summary>
public sealed class ProviderContext
{
    /// <summary>Creates the context.</summary>
    /// <param name="instanceName">The instance name from the configuration.</param>
    /// <param name="typeName">The provider type name.</param>
    /// <param name="stateDirectory">A directory only this instance writes to; created by the host.</param>
    /// <param name="loggerFactory">Where the provider's logs go (never stdout).</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="configurationDirectory">The directory of the configuration file, for relative paths in settings; null when unknown.</param>
    /// <exception cref="ArgumentException">A name or the directory is blank.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="loggerFactory"/> or <paramref name="timeProvider"/> is null.</exception>
    public ProviderContext(string instanceName, string typeName, string stateDirectory, ILoggerFactory loggerFactory, TimeProvider timeProvider, string? configurationDirectory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceName);
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        InstanceName = instanceName;
        TypeName = typeName;
        StateDirectory = stateDirectory;
        LoggerFactory = loggerFactory;
        TimeProvider = timeProvider;
        ConfigurationDirectory = configurationDirectory;
    }

    /// <summary>The instance name (a template's <c>providerName</c>).</summary>
    public string InstanceName { get; }

    /// <summary>The provider type name, e.g. <c>local-process</c>.</summary>
    public string TypeName { get; }

    /// <summary>The absolute path of this instance's state directory: <c>&lt;work dir&gt;/providers/&lt;instance&gt;</c>.</summary>
    public string StateDirectory { get; }

    /// <summary>
    /// The directory of the configuration file the instance came from; relative paths in settings
    /// (scripts, inventories) are meant relative to it. Null when the host does not know it.
    /// </summary>
    public string? ConfigurationDirectory { get; }

    /// <summary>Resolves <paramref name="path"/> against <see cref="ConfigurationDirectory"/> (or the current directory).</summary>
    public string ResolvePath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Path.GetFullPath(path, ConfigurationDirectory ?? Directory.GetCurrentDirectory());
    }

    /// <summary>Creates the provider's loggers.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The clock; use it rather than <see cref="DateTimeOffset.UtcNow"/> so tests can control time.</summary>
    public TimeProvider TimeProvider { get; }
}
