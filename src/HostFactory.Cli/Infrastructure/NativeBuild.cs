using HostFactory.Cli.Protocol;
using HostFactory.Cli.Resident;
using HostFactory.Common;
using HostFactory.Configuration;
using HostFactory.Hosting.Failures;
using HostFactory.Providers.Loading;

namespace HostFactory.Cli.Infrastructure;

/// <summary>
/// <c>hostfactory-native</c>: this program compiled Native AOT by its publish, with the built-in providers compiled in
/// (HostFactory.Cli.csproj). The front end hands it the protocol calls no resident process serves; it answers them, and
/// runs the resident process it starts, as <c>hostfactory</c> does, whenever the configuration names no plugin
/// assembly, which it cannot load. Everything else it hands to <c>hostfactory</c> beside it, in its place and before
/// reading anything: a configuration with plugin assemblies, and every command line other than a script's protocol
/// call or the resident process's own.
/// </summary>
internal static class NativeBuild
{
    /// <summary>True when this process is the native build and <paramref name="args"/> are for <c>hostfactory</c>.</summary>
    public static bool HandsOver(IReadOnlyList<string> args)
    {
        if (!BuiltInProviders.AreCompiledIn)
        {
            return false;
        }

        var servedHere = ProtocolVerbs.TryParseScriptCall(args, out _, out _, out var configPath) || ResidentLauncher.IsServeCommandLine(args, out configPath);
        return !servedHere || !ServesConfiguration(configPath);
    }

    /// <summary>
    /// Execs <c>hostfactory</c> with <paramref name="args"/>; returns only when that fails, after reporting it as
    /// <c>hostfactory</c> reports an internal error.
    /// </summary>
    public static int HandOver(IReadOnlyList<string> args, CliConsole console)
    {
        var program = Path.Combine(AppContext.BaseDirectory, ThisProgram.Name);
        var reason = ProgramExec.Run(program, [program, .. args]);
        var protocolCall = ProtocolVerbs.TryParseScriptCall(args, out var verb, out _, out _);
        var failure = new Failure(ExitCodes.InternalError, $"cannot run {program}: {reason}", false);
        new VerbRunner(console).Report(protocolCall ? verb : ThisProgram.Name, failure, asJson: protocolCall, runtime: null);
        console.Out.Flush();
        return failure.ExitCode;
    }

    /// <summary>
    /// True unless the configuration names a plugin assembly. A configuration that cannot be read is served here: the
    /// call reports it, as <c>hostfactory</c> would.
    /// </summary>
    private static bool ServesConfiguration(string? configPath)
    {
        try
        {
            var paths = HostFactoryPathResolver.Resolve(Environment.GetEnvironmentVariable, configPath, CliSession.DefaultConfigDirectory);
            return !File.Exists(paths.ConfigurationFile) || BuiltInProviders.AreAllConfigured(HostFactoryConfiguration.Load(paths.ConfigurationFile));
        }
        catch (Exception exception) when (exception is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or FormatException)
        {
            return true;
        }
    }
}
