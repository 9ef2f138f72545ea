namespace HostFactory.Configuration;

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

    /// <summary>
    /// The file a build of the CLI or the server from this repository writes beside the program (never published, never
    /// copied into a project that references it): one line, the full path of the repository's <c>config/</c>.
    /// </summary>
    public const string QuickStartFileName = "hostfactory.quickstart";

    private const string ConfDirVariable = "HF_PROVIDER_CONFDIR";
    private const string NameVariable = "HF_PROVIDER_NAME";

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
        else if (Value(environment, ConfDirVariable) is { } confDir)
        {
            configDirectory = Path.GetFullPath(confDir);
            (configFile, templatesFile) = InstanceFiles(configDirectory, Value(environment, NameVariable), fileExists);
            source = ConfDirVariable;
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

    /// <summary>
    /// The configuration directory to use when nothing says where it is (the fallback of <see cref="Resolve"/>): for a
    /// program built in the repository (<c>dotnet run</c>), the repository's <c>config/</c>, named by
    /// <see cref="QuickStartFileName"/> beside the program, so the quick-start CLI and server share one state directory,
    /// the repository's <c>.work/</c>, never inside <c>bin/</c>; otherwise (an installation) <c>config/</c> beside the
    /// program.
    /// </summary>
    /// <param name="programDirectory">The program's directory (<see cref="AppContext.BaseDirectory"/>).</param>
    /// <returns>An absolute path; nothing is created.</returns>
    public static string DefaultConfigDirectory(string programDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(programDirectory);
        var marker = Path.Combine(programDirectory, QuickStartFileName);
        if (File.Exists(marker))
        {
            try
            {
                if (File.ReadAllText(marker).Trim() is { Length: > 0 } repositoryConfig && Directory.Exists(repositoryConfig))
                {
                    return Path.GetFullPath(repositoryConfig);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // An unreadable marker is no marker: the copy beside the program serves.
            }
        }

        return Path.GetFullPath(Path.Combine(programDirectory, "config"));
    }

    /// <summary>
    /// Every configuration file <see cref="Resolve"/> looked for, in the order it looked, the chosen one last: under
    /// <c>HF_PROVIDER_CONFDIR</c> with <c>HF_PROVIDER_NAME</c> set and no per-instance file,
    /// <c>&lt;name&gt;prov_config.json</c> then <c>hostfactory.json</c>; otherwise only the chosen file.
    /// </summary>
    /// <param name="paths">What <see cref="Resolve"/> answered.</param>
    /// <param name="environment">The same lookup given to <see cref="Resolve"/>.</param>
    /// <returns>Absolute paths.</returns>
    public static IReadOnlyList<string> ConfigurationFilesLookedFor(HostFactoryPaths paths, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(environment);
        return paths.Source == ConfDirVariable
            && Value(environment, NameVariable) is { } providerName
            && InstanceConfigurationFile(paths.ConfigurationDirectory, providerName) is var instanceFile
            && instanceFile != paths.ConfigurationFile
                ? [instanceFile, paths.ConfigurationFile]
                : [paths.ConfigurationFile];
    }

    /// <summary>
    /// The one-line message of a configuration file that does not exist: every file looked for, in order, the rule that
    /// chose them, and how to point HostFactory at the right one.
    /// </summary>
    /// <param name="paths">What <see cref="Resolve"/> answered.</param>
    /// <param name="environment">The same lookup given to <see cref="Resolve"/>.</param>
    public static string ConfigurationNotFoundMessage(HostFactoryPaths paths, Func<string, string?> environment)
    {
        var lookedFor = ConfigurationFilesLookedFor(paths, environment);
        var files = string.Join(", then ", lookedFor.Select(file => $"'{file}'"));
        return paths.Source switch
        {
            "--config" => $"The HostFactory configuration file {files} (given by --config) does not exist.",
            ConfDirVariable when lookedFor.Count > 1 =>
                $"No HostFactory configuration file: looked for {files} (HF_PROVIDER_CONFDIR '{paths.ConfigurationDirectory}', "
                + $"HF_PROVIDER_NAME '{Value(environment, NameVariable)}'); neither exists. Create one of them, or check HF_PROVIDER_CONFDIR and HF_PROVIDER_NAME.",
            ConfDirVariable => $"The HostFactory configuration file {files} (found through HF_PROVIDER_CONFDIR) does not exist. Create it, or check HF_PROVIDER_CONFDIR.",
            _ => $"The HostFactory configuration file {files} (the default) does not exist. Set HF_PROVIDER_CONFDIR or pass --config <file or directory>.",
        };
    }

    private static string InstanceConfigurationFile(string configDirectory, string providerName) =>
        Path.Combine(configDirectory, $"{providerName}prov_config.json");

    private static (string ConfigFile, string TemplatesFile) InstanceFiles(string configDirectory, string? providerName, Func<string, bool> fileExists)
    {
        if (providerName is not null)
        {
            var instanceConfig = InstanceConfigurationFile(configDirectory, providerName);
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
