namespace HostFactory.Storage.Json;

/// <summary>
/// Settings of the JSON file storage, bound from the <c>JsonFileStorage</c> configuration section (or configured in
/// code) and validated at start-up.
/// </summary>
/// <remarks>
/// The data directory is chosen in this order: <c>&lt;ProviderWorkDirectory&gt;/data</c> when
/// <see cref="ProviderWorkDirectory"/> is set — <c>AddJsonFileStorage</c> fills it from <c>HF_PROVIDER_WORKDIR</c>, the
/// variable Host Factory sets for every plugin call — else <see cref="DataDirectory"/>. A relative path is taken from
/// the current directory.
/// </remarks>
public sealed class JsonFileStorageOptions
{
    /// <summary>The configuration section <c>AddJsonFileStorage(IConfiguration)</c> is usually given.</summary>
    public const string SectionName = "JsonFileStorage";

    /// <summary>The environment variable Host Factory sets to the plugin's writable work directory.</summary>
    public const string WorkDirectoryVariable = "HF_PROVIDER_WORKDIR";

    /// <summary>The sub-directory of the work directory that holds the data.</summary>
    public const string WorkDirectoryDataFolder = "data";

    /// <summary>The data directory used when <see cref="ProviderWorkDirectory"/> is not set.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// Host Factory's work directory for this provider instance. When set (by default from <c>HF_PROVIDER_WORKDIR</c>),
    /// the data lives in its <c>data</c> sub-directory and <see cref="DataDirectory"/> is not used. Set it to null in
    /// code to ignore the environment.
    /// </summary>
    public string? ProviderWorkDirectory { get; set; }

    /// <summary>How long a save waits for another process's lock on the same aggregate before failing; more than zero. Default 10 s.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The full path of the data directory these options select, following the order in the remarks.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither directory is set, or the path is not a valid path.</exception>
    public string ResolveDataDirectory() =>
        TryResolveDataDirectory(out var path, out var error) ? path : throw new InvalidOperationException(error);

    internal bool TryResolveDataDirectory(out string path, out string error)
    {
        var (chosen, setting) = string.IsNullOrWhiteSpace(ProviderWorkDirectory)
            ? (DataDirectory, $"{SectionName}:{nameof(DataDirectory)}")
            : (Path.Join(ProviderWorkDirectory, WorkDirectoryDataFolder), $"{SectionName}:{nameof(ProviderWorkDirectory)} ({WorkDirectoryVariable})");
        path = string.Empty;
        if (string.IsNullOrWhiteSpace(chosen))
        {
            error = $"{SectionName}:{nameof(DataDirectory)} is required when {WorkDirectoryVariable} is not set: set one of them to the directory that holds the plugin's state.";
            return false;
        }

        if (chosen.Any(char.IsControl))
        {
            error = $"{setting} '{chosen}' contains a control character; it must be a directory path.";
            return false;
        }

        try
        {
            path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(chosen));
            error = string.Empty;
            return true;
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            error = $"{setting} '{chosen}' is not a valid directory path: {exception.Message}";
            return false;
        }
    }
}
