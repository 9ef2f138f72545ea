using HostFactory.Providers.Configuration;

namespace HostFactory.Cli.Infrastructure;

/// <summary>How a shell runs this program again: what the scripts Host Factory calls and the hints printed to people say.</summary>
internal static class ThisProgram
{
    /// <summary>The command line that runs this installation: the apphost when present, else <c>dotnet hostfactory.dll</c>.</summary>
    public static string Launcher()
    {
        var baseDirectory = AppContext.BaseDirectory;
        var apphost = Path.Combine(baseDirectory, "hostfactory");
        if (!OperatingSystem.IsWindows() && File.Exists(apphost) && (File.GetUnixFileMode(apphost) & UnixFileMode.UserExecute) != 0)
        {
            return Quote(apphost);
        }

        // Host Factory's environment may not have dotnet on PATH: name the host this process runs on.
        var host = Environment.ProcessPath is { } process && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
        return $"{Quote(host)} {Quote(Path.Combine(baseDirectory, "hostfactory.dll"))}";
    }

    /// <summary>
    /// The command a person types to run this program again: <c>dotnet run --project …/src/HostFactory.Cli --</c> for a
    /// build run from the repository (hostfactory is on no PATH there), else <see cref="Launcher"/>.
    /// </summary>
    public static string ForPeople()
    {
        var quickStart = File.Exists(Path.Combine(AppContext.BaseDirectory, HostFactoryPathResolver.QuickStartFileName));
        return quickStart && Path.GetDirectoryName(CliSession.DefaultConfigDirectory) is { } repository
            ? $"dotnet run --project {Quote(Path.Combine(repository, "src", "HostFactory.Cli"))} --"
            : Launcher();
    }

    /// <summary><paramref name="text"/> as one shell word, in single quotes.</summary>
    public static string Quote(string text) => $"'{text.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
