using System.Text;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Protocol;
using HostFactory.Configuration;
using HostFactory.Hosting.Failures;

namespace HostFactory.Cli.Resident;

/// <summary>
/// Where a protocol call from Host Factory's scripts runs: by the resident process when one serves this installation
/// and configuration (see <see cref="ResidentEndpoint"/>), else here, starting a resident process afterwards for the
/// calls to come unless <c>hostFactory:resident:enabled</c> is false. Called before any command tree is built: the
/// script form of a call (<see cref="ProtocolVerbs.TryParseScriptCall"/>) never loads the command-line parser.
/// </summary>
internal static class ResidentRouting
{
    /// <summary>The AppContext switch of Microsoft.Extensions.DependencyInjection that keeps its container from compiling resolvers.</summary>
    public const string DisableDynamicEngineSwitch = "Microsoft.Extensions.DependencyInjection.DisableDynamicEngine";

    /// <summary>Runs <paramref name="verb"/> on <paramref name="input"/>; returns the exit code.</summary>
    public static async Task<int> RunScriptCallAsync(CliConsole console, string verb, ProtocolInputSource input, string? configPath)
    {
        var runner = new VerbRunner(console);
        var paths = HostFactoryPathResolver.Resolve(Environment.GetEnvironmentVariable, configPath, CliSession.DefaultConfigDirectory);
        var endpoint = ResidentEndpoint.For(paths, Environment.GetEnvironmentVariable);
        var startResident = false;
        if (endpoint is not null && input.TryRead(console, out var bytes))
        {
            var call = new ResidentCall(verb, configPath is null ? null : Path.GetFullPath(configPath), input.Description, bytes);
            var (outcome, answer) = ResidentClient.Call(endpoint, call);
            switch (outcome)
            {
                case ResidentOutcome.Answered:
                    console.Out.Write(Encoding.UTF8.GetString(answer!.StandardOutput));
                    console.Out.Flush();
                    console.Error.Write(Encoding.UTF8.GetString(answer.StandardError));
                    return answer.ExitCode;
                case ResidentOutcome.Lost when !ProtocolVerbs.IsSafeToRepeat(verb):
                    var failure = new Failure(
                        ExitCodes.InternalError,
                        ResidentClient.LostMessage(verb, paths.LogDirectory),
                        false);
                    runner.Report(verb, failure, asJson: true, runtime: null);
                    console.Out.Flush();
                    return failure.ExitCode;
                case ResidentOutcome.NotRunning:
                    startResident = true;
                    break;
            }
        }

        // This process answers one call and exits. The container's default engine compiles a service's resolver with
        // Reflection.Emit on a thread-pool thread once the service is resolved twice (the buses are): work this process
        // never uses, which loaded Reflection.Emit and started thread-pool threads on every call (docs/benchmarks.md, the
        // cold path of issue 18). Resolving by reflection alone is what the engine does before compiling anyway. The
        // resident process and the server, which serve many calls, keep the compiling engine.
        AppContext.SetSwitch(DisableDynamicEngineSwitch, true);
        VerbRun run;
        try
        {
            run = await ProtocolVerbs.RunAsync(runner, verb, input, configPath, CancellationToken.None);
        }
        finally
        {
            console.Out.Flush();
        }

        if (startResident && run.Resident is { Enabled: true } && !ResidentLauncher.IsStarting(endpoint!))
        {
            StartResident(console, configPath);
        }

        return run.ExitCode;
    }

    private static void StartResident(CliConsole console, string? configPath)
    {
        try
        {
            ResidentLauncher.Start(configPath);
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            // The answer is given; without a resident process the next call simply runs in its own process again.
            console.Error.WriteLine($"hostfactory: the resident process could not be started: {exception.Message}");
        }
    }
}
