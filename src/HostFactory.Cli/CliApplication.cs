using HostFactory.Cli.Commands;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Protocol;
using HostFactory.Cli.Resident;

namespace HostFactory.Cli;

/// <summary>
/// The entry point of <c>hostfactory</c>: a protocol call in the form Host Factory's scripts use goes to
/// <see cref="ResidentRouting"/> without building any command tree (Host Factory starts a process per call, every few
/// seconds); every other command line is parsed and run by <see cref="CommandTree"/>. The native build hands what it
/// does not serve to this program's plugin-capable build first (<see cref="NativeBuild"/>).
/// </summary>
internal static class CliApplication
{
    /// <summary>Runs <paramref name="args"/> on <paramref name="console"/>; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, CliConsole console)
    {
        if (NativeBuild.HandsOver(args))
        {
            return Task.FromResult(NativeBuild.HandOver(args, console));
        }

        return ProtocolVerbs.TryParseScriptCall(args, out var verb, out var file, out var configPath)
            ? ResidentRouting.RunScriptCallAsync(console, verb, ProtocolInputSource.FromFile(file), configPath)
            : CommandTree.RunAsync(args, console);
    }
}
