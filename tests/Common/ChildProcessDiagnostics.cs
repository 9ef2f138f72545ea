using System.Runtime.CompilerServices;

namespace HostFactory.Tests.Common;

/// <summary>
/// The .NET processes a test starts (hostfactory, the server, test workers) run without the runtime's diagnostic
/// endpoints. Each .NET process creates a diagnostic socket and two debugger pipes in the temp directory and removes them
/// when it exits; one the test kills (crash-safety, killed-call and interrupted-call tests kill on purpose) cannot, so
/// every kill left files behind: about 370 sockets and 95 pipe pairs per run of the whole suite. Children inherit the
/// test host's environment, so setting the variable here, before any test runs, covers every way a test starts one.
/// </summary>
/// <remarks>
/// Linked into every test project by <c>tests/Directory.Build.targets</c>. It switches off only what a debugger,
/// profiler or <c>dotnet-trace</c> attaches through; nothing a test checks uses them. A value already set is kept:
/// <c>DOTNET_EnableDiagnostics=1 dotnet test …</c> lets a debugger attach to the children again.
/// </remarks>
internal static class ChildProcessDiagnostics
{
    /// <summary>The runtime's switch for its debugger, profiler and diagnostic IPC endpoints.</summary>
    public const string Variable = "DOTNET_EnableDiagnostics";

    [ModuleInitializer]
    internal static void SwitchOffForChildren()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "0");
        }
    }
}
