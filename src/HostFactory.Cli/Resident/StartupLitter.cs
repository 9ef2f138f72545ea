namespace HostFactory.Cli.Resident;

/// <summary>
/// The directories a starting resident process is about to create, so it can take them back if its work directory
/// vanishes while it starts (an installation removed, a test's temp directory deleted right after the call that
/// started it). Only directories that did not exist before, and that hold nothing but empty files, are removed.
/// </summary>
internal sealed class StartupLitter
{
    private readonly string? _firstCreated;

    private StartupLitter(string? firstCreated) => _firstCreated = firstCreated;

    /// <summary>Notes the outermost missing directory on the way to <paramref name="directory"/>, before it is created.</summary>
    public static StartupLitter Before(string directory)
    {
        string? missing = null;
        for (var current = Path.GetFullPath(directory); current is not null && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            missing = current;
        }

        return new StartupLitter(missing);
    }

    /// <summary>Removes what was created since <see cref="Before"/> if it holds only empty files; true when it did.</summary>
    public bool TakeBack()
    {
        if (_firstCreated is null || !Directory.Exists(_firstCreated))
        {
            return false;
        }

        try
        {
            if (Directory.EnumerateFiles(_firstCreated, "*", SearchOption.AllDirectories).Any(f => new FileInfo(f).Length > 0))
            {
                return false;
            }

            Directory.Delete(_firstCreated, recursive: true);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Someone else is using it after all: leave it.
            return false;
        }
    }
}
