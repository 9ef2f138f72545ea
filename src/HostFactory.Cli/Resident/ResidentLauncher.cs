using System.Diagnostics;
using HostFactory.Cli.Commands;
using HostFactory.Common;

namespace HostFactory.Cli.Resident;

/// <summary>Starts the resident process in the background, detached from the call that starts it.</summary>
internal static class ResidentLauncher
{
    /// <summary>The verb group of the resident process: <c>status</c>, <c>stop</c>, and the hidden <see cref="ServeVerb"/>.</summary>
    public const string Verb = "resident";

    /// <summary>The hidden sub-verb the resident process runs.</summary>
    public const string ServeVerb = "serve";

    /// <summary>
    /// Starts <c>hostfactory resident serve</c> in a session of its own with stdin, stdout and stderr on <c>/dev/null</c>:
    /// Host Factory reads the caller's stdout to its end, so nothing that outlives the call may hold it. The
    /// environment is inherited (the resident process resolves the same paths and endpoint). Returns at once.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">/bin/sh cannot be started.</exception>
    public static void Start(string? configPath)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("setsid \"$@\" </dev/null >/dev/null 2>&1 &");
        start.ArgumentList.Add("sh");
        foreach (var word in Program())
        {
            start.ArgumentList.Add(word);
        }

        start.ArgumentList.Add(Verb);
        start.ArgumentList.Add(ServeVerb);
        if (configPath is not null)
        {
            start.ArgumentList.Add(GlobalOptions.ConfigOptionName);
            start.ArgumentList.Add(Path.GetFullPath(configPath));
        }

        using var shell = Process.Start(start) ?? throw new InvalidOperationException("/bin/sh did not start.");
        shell.StandardInput.Close();
        shell.WaitForExit();
    }

    /// <summary>
    /// True when a resident process holds the endpoint's lock: it is starting (it binds its socket only once its
    /// container is built), so the caller need not start another.
    /// </summary>
    public static bool IsStarting(ResidentEndpoint endpoint)
    {
        try
        {
            return FileLock.IsHeld(endpoint.LockPath);
        }
        catch (IOException)
        {
            // A lock file that cannot be probed: starting another would meet the same file; leave it to the one there.
            return true;
        }
    }

    /// <summary>
    /// True when <paramref name="args"/> are the command line <see cref="Start"/> gives the resident process, with the
    /// <c>--config</c> it names, if any.
    /// </summary>
    public static bool IsServeCommandLine(IReadOnlyList<string> args, out string? configPath)
    {
        configPath = null;
        if (args.Count < 2 || args[0] != Verb || args[1] != ServeVerb)
        {
            return false;
        }

        if (args.Count == 4 && args[2] == GlobalOptions.ConfigOptionName)
        {
            configPath = args[3];
        }

        return args.Count == 2 || configPath is not null;
    }

    /// <summary>
    /// This program, as it runs: its apphost, or the native build (which serves as the resident process too), else
    /// <c>dotnet hostfactory.dll</c>.
    /// </summary>
    private static IEnumerable<string> Program()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, Path.Combine(AppContext.BaseDirectory, "hostfactory.dll")]
            : [process];
    }
}
