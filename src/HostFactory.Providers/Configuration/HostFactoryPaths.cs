namespace HostFactory.Providers.Configuration;

/// <summary>Where each kind of file lives for one run, as <see cref="HostFactoryPathResolver"/> found it.</summary>
/// <param name="ConfigurationDirectory">The configuration directory.</param>
/// <param name="ConfigurationFile">The main configuration file (storage, logging, providers).</param>
/// <param name="TemplatesFile">The templates file.</param>
/// <param name="WorkDirectory">Where state is kept.</param>
/// <param name="LogDirectory">Where logs are written.</param>
/// <param name="Source">Which rule chose the configuration: <c>--config</c>, <c>HF_PROVIDER_CONFDIR</c> or <c>default</c>.</param>
public sealed record HostFactoryPaths(
    string ConfigurationDirectory,
    string ConfigurationFile,
    string TemplatesFile,
    string WorkDirectory,
    string LogDirectory,
    string Source);

/// <summary>
/// Finds the configuration, state and log locations the way Host Factory lays them out, without
/// touching the process environment (the caller passes a lookup), so it is testable and reusable by the CLI.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>An explicit <c>--config</c> path wins: a file is the configuration file, a directory holds it.</item>
/// <item>Else <c>HF_PROVIDER_CONFDIR</c>: its <c>&lt;HF_PROVIDER_NAME&gt;prov_config.json</c> and
/// <c>&lt;HF_PROVIDER_NAME&gt;prov_templates.json</c> when that file exists (the names Host Factory's own
/// plugins use), else its <c>hostfactory.json</c> and <c>templates.json</c>.</item>
/// <item>Else the fallback configuration directory (the repository's <c>config/</c> for the quick start).</item>
/// </list>
/// The work directory is <c>HF_PROVIDER_WORKDIR</c>, else <c>.work</c> beside the configuration directory;
/// the log directory is <c>HF_PROVIDER_LOGDIR</c>, else <c>logs</c> in the work directory. All paths are absolute.
/// </remarks>
public static class HostFactoryPathResolver
{
    /// <summary>The configuration file name used unless Host Factory's per-instance names apply.</summary>
    public const string ConfigurationFileName = "hostfactory.json";

    /// <summary>The templates file name used unless Host Factory's per-instance names apply.</summary>
    public const string TemplatesFileName = "templates.json";

    /// <summary>Resolves the paths.</summary>
    /// <param name="environment">Looks an environment variable up; returns null when unset.</param>
    /// <param name="explicitConfigPath">The <c>--config</c> value, or null.</param>
    /// <param name="fallbackConfigDirectory">The configuration directory used when nothing else says where it is.</param>
    /// <param name="fileExists">Tells whether a file exists; defaults to <see cref="File.Exists(string)"/>.</param>
    /// <returns>Absolute paths; nothing is created.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="environment"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="fallbackConfigDirectory"/> is blank.</exception>
    public static HostFactoryPaths Resolve(
        Func<string, string?> environment,
        string? explicitConfigPath,
        string fallbackConfigDirectory,
        Func<string, bool>? fileExists = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentException.ThrowIfNullOrWhiteSpace(fallbackConfigDirectory);
        fileExists ??= File.Exists;

        string configDirectory, configFile, templatesFile, source;
        if (!string.IsNullOrWhiteSpace(explicitConfigPath))
        {
            var path = Path.GetFullPath(explicitConfigPath);
            var isDirectory = Directory.Exists(path) || Path.EndsInDirectorySeparator(explicitConfigPath);
            configDirectory = isDirectory ? path : Path.GetDirectoryName(path)!;
            configFile = isDirectory ? Path.Combine(path, ConfigurationFileName) : path;
            templatesFile = Path.Combine(configDirectory, TemplatesFileName);
            source = "--config";
        }
        else if (Value(environment, "HF_PROVIDER_CONFDIR") is { } confDir)
        {
            configDirectory = Path.GetFullPath(confDir);
            (configFile, templatesFile) = InstanceFiles(configDirectory, Value(environment, "HF_PROVIDER_NAME"), fileExists);
            source = "HF_PROVIDER_CONFDIR";
        }
        else
        {
            configDirectory = Path.GetFullPath(fallbackConfigDirectory);
            configFile = Path.Combine(configDirectory, ConfigurationFileName);
            templatesFile = Path.Combine(configDirectory, TemplatesFileName);
            source = "default";
        }

        var workDirectory = Value(environment, "HF_PROVIDER_WORKDIR") is { } work
            ? Path.GetFullPath(work)
            : Path.GetFullPath(Path.Combine(configDirectory, "..", ".work"));
        var logDirectory = Value(environment, "HF_PROVIDER_LOGDIR") is { } logs
            ? Path.GetFullPath(logs)
            : Path.Combine(workDirectory, "logs");
        return new HostFactoryPaths(configDirectory, configFile, templatesFile, workDirectory, logDirectory, source);
    }

    private static (string ConfigFile, string TemplatesFile) InstanceFiles(string configDirectory, string? providerName, Func<string, bool> fileExists)
    {
        if (providerName is not null)
        {
            var instanceConfig = Path.Combine(configDirectory, $"{providerName}prov_config.json");
            if (fileExists(instanceConfig))
            {
                return (instanceConfig, Path.Combine(configDirectory, $"{providerName}prov_templates.json"));
            }
        }

        return (Path.Combine(configDirectory, ConfigurationFileName), Path.Combine(configDirectory, TemplatesFileName));
    }

    private static string? Value(Func<string, string?> environment, string name) =>
        environment(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;
}
