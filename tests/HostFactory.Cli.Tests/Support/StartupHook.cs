// The .NET startup hook (DOTNET_STARTUP_HOOKS) the telemetry tests load into a CLI process: a type named StartupHook,
// in no namespace, with a static Initialize. It uses only the framework, so loading it loads nothing else of this assembly's.
#pragma warning disable CA1050 // The runtime finds the hook only as a type outside any namespace.

/// <summary>
/// Writes, when the process exits, the name of every assembly it loaded to the file named by
/// <c>HOSTFACTORY_TEST_LOADED_ASSEMBLIES</c>, one per line.
/// </summary>
internal static class StartupHook
{
    /// <summary>The variable naming the file to write.</summary>
    public const string OutputVariable = "HOSTFACTORY_TEST_LOADED_ASSEMBLIES";

    /// <summary>Called by the runtime before the program's Main.</summary>
    public static void Initialize()
    {
        if (System.Environment.GetEnvironmentVariable(OutputVariable) is not { Length: > 0 } file)
        {
            return;
        }

        System.AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.File.WriteAllLines(
            file, System.Linq.Enumerable.Select(System.AppDomain.CurrentDomain.GetAssemblies(), static a => a.GetName().Name ?? string.Empty));
    }
}
