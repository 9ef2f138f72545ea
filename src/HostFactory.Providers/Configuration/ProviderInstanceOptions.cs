using HostFactory.Configuration;
using Microsoft.Extensions.Configuration;

namespace HostFactory.Providers.Configuration;

/// <summary>
/// One provider instance of <c>hostFactory:providers</c> in <c>hostfactory.json</c>:
/// <code>
/// { "name": "local", "type": "local-process", "assembly": null, "enabled": true,
///   "timeoutSeconds": 60, "retries": 2, "retryDelaySeconds": 0.5, "settings": { ... } }
/// </code>
/// </summary>
public sealed class ProviderInstanceOptions
{
    /// <summary>The keys an instance may have; any other key is reported as a typo.</summary>
    public static readonly IReadOnlyList<string> Keys =
        ["name", "type", "assembly", "enabled", "timeoutSeconds", "retries", "retryDelaySeconds", "settings"];

    /// <summary>The instance name templates refer to with <c>providerName</c>: 1–64 characters of <c>0-9 A-Z a-z - _</c>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The provider type name, e.g. <c>local-process</c>, claimed by a <c>[MachineProvider]</c> class.</summary>
    public string Type { get; set; } = string.Empty;

    /// <summary>
    /// The plugin assembly path (relative paths are taken from the configuration file's directory);
    /// null for the built-in types, which load from the host's <c>providers/</c> folder.
    /// </summary>
    public string? Assembly { get; set; }

    /// <summary>A disabled instance is checked but not loaded; templates naming it are refused.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long one attempt of one provider call may take, in seconds (default 120, at most 3600).</summary>
    public double TimeoutSeconds { get; set; } = 120;

    /// <summary>How many times a call that failed transiently is tried again (default 2, 0 to 10).</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The delay before the first retry in seconds, doubled for each next one (default 0.5, 0 to 60).</summary>
    public double RetryDelaySeconds { get; set; } = 0.5;

    /// <summary>The provider's own settings, bound to its options type when the instance is loaded; null when absent.</summary>
    public IConfigurationSection? Settings { get; set; }

    /// <summary>Where the instance came from, e.g. <c>hostFactory:providers:0</c>, for error messages.</summary>
    public string ConfigurationPath { get; set; } = string.Empty;

    /// <summary>Keys of the instance that are not in <see cref="Keys"/>, found while binding.</summary>
    public IReadOnlyList<string> UnknownKeys { get; set; } = [];
}

/// <summary>Every provider instance configured, in file order (bound from <c>hostFactory:providers</c>).</summary>
public sealed class MachineProvidersOptions
{
    /// <summary>The instances in file order.</summary>
    public IList<ProviderInstanceOptions> Instances { get; } = new List<ProviderInstanceOptions>();
}

/// <summary>Where the host finds plugins and keeps provider state; set by the composition root from <see cref="HostFactoryPaths"/>.</summary>
public sealed class MachineProviderHostOptions
{
    /// <summary>The configuration file the instances came from, named in every error message; null when unknown.</summary>
    public string? ConfigurationFile { get; set; }

    /// <summary>The directory relative plugin paths are resolved against; null for the current directory.</summary>
    public string? ConfigurationDirectory { get; set; }

    /// <summary>The work directory (<c>HF_PROVIDER_WORKDIR</c>); each instance keeps its state in <c>providers/&lt;name&gt;</c> below it.</summary>
    public string WorkDirectory { get; set; } = string.Empty;

    /// <summary>Where the built-in provider assemblies are; defaults to <c>providers/</c> next to the host's own assemblies.</summary>
    public string BuiltInProvidersDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "providers");

    /// <summary>Sets <see cref="ConfigurationFile"/>, <see cref="ConfigurationDirectory"/> and <see cref="WorkDirectory"/> from resolved paths.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="paths"/> is null.</exception>
    public void UsePaths(HostFactoryPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ConfigurationFile = paths.ConfigurationFile;
        ConfigurationDirectory = paths.ConfigurationDirectory;
        WorkDirectory = paths.WorkDirectory;
    }
}
