namespace HostFactory.Cli.Tests.Support;

/// <summary>
/// Which assemblies a CLI process loaded: it runs with this test assembly as its startup hook (<see cref="StartupHook"/>),
/// which writes their names to a file when the process exits.
/// </summary>
public static class LoadedAssemblies
{
    /// <summary>
    /// Runs the CLI with <paramref name="run"/> (e.g. <see cref="CliProcess.RunAsync"/> or
    /// <see cref="PseudoTerminal.RunAsync"/>) in <paramref name="environment"/> plus the hook's variables; the names
    /// are written into <paramref name="directory"/>.
    /// </summary>
    /// <returns>What the process did, and the simple name of every assembly it loaded.</returns>
    public static async Task<(CliResult Result, string[] Loaded)> RunAsync(
        string directory,
        IReadOnlyDictionary<string, string?> environment,
        Func<IReadOnlyDictionary<string, string?>, Task<CliResult>> run)
    {
        var output = Path.Combine(directory, $"loaded-{Guid.NewGuid():N}.txt");
        var hooked = new Dictionary<string, string?>(environment)
        {
            ["DOTNET_STARTUP_HOOKS"] = typeof(LoadedAssemblies).Assembly.Location,
            [StartupHook.OutputVariable] = output,
        };

        var result = await run(hooked);
        return (result, File.Exists(output) ? await File.ReadAllLinesAsync(output) : []);
    }
}
