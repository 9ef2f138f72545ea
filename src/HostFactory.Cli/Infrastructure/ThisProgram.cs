using HostFactory.Configuration;

namespace HostFactory.Cli.Infrastructure;

/// <summary>How a shell runs this program again: what the scripts Host Factory calls and the hints printed to people say.</summary>
internal static class ThisProgram
{
    /// <summary>This program's name: its apphost, beside hostfactory.dll.</summary>
    public const string Name = "hostfactory";

    /// <summary>The front end's name (src/HostFactory.Cli.FrontEnd), beside hostfactory.dll.</summary>
    private const string FrontEndName = "hostfactory-frontend";

    /// <summary>The command line that runs this installation: the apphost when present, else <c>dotnet hostfactory.dll</c>.</summary>
    public static string Launcher() => LauncherOf(Name);

    /// <summary>
    /// The command line the scripts Host Factory runs use: the front end when it is installed beside this program on
    /// Linux (it forwards protocol calls to the resident process, else execs this program), otherwise <see cref="Launcher"/>.
    /// </summary>
    public static string ScriptLauncher() =>
        OperatingSystem.IsLinux() && (IsExecutable(Path.Combine(AppContext.BaseDirectory, FrontEndName)) || File.Exists(Path.Combine(AppContext.BaseDirectory, FrontEndName + ".dll")))
            ? LauncherOf(FrontEndName)
            : Launcher();

    /// <summary>The program <paramref name="name"/> of this installation: its apphost (or native executable), else <c>dotnet NAME.dll</c>.</summary>
    private static string LauncherOf(string name)
    {
        var apphost = Path.Combine(AppContext.BaseDirectory, name);
        if (IsExecutable(apphost))
        {
            return Quote(apphost);
        }

        // Host Factory's environment may not have dotnet on PATH: name the host this process runs on.
        var host = Environment.ProcessPath is { } process && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
        return $"{Quote(host)} {Quote(Path.Combine(AppContext.BaseDirectory, name + ".dll"))}";
    }

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows() && File.Exists(path) && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;

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
