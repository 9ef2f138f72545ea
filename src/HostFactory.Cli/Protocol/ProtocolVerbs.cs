using System.CommandLine;
using System.Text.Json;
using HostFactory.Application.Diagnostics;
using HostFactory.Cli.Commands;
using HostFactory.Cli.Infrastructure;

namespace HostFactory.Cli.Protocol;

/// <summary>
/// The five verbs Host Factory runs, named as it names them. Each reads one JSON document (<c>-f FILE</c>, or stdin)
/// and prints one JSON document on stdout; see docs/cli.md and the protocol document. Their names and the command lines
/// of Host Factory's scripts are in src/Common/Resident/ProtocolVerbs.CommandLine.cs, which the front end shares.
/// </summary>
internal static partial class ProtocolVerbs
{
    /// <summary>The verb called <paramref name="name"/> (one of <see cref="Names"/>) as a command.</summary>
    public static Command Create(VerbRunner runner, GlobalOptions options, string name)
    {
        var file = new Option<string?>("--file", "-f")
        {
            Description = "The input JSON file Host Factory wrote; stdin when absent or '-'.",
            HelpName = "FILE",
        };
        var command = new Command(name, Describe(name).Description) { file };
        command.SetAction(async (parseResult, cancellationToken) =>
            (await RunAsync(runner, name, ProtocolInputSource.FromFile(parseResult.GetValue(file)), options.ConfigPath(parseResult), cancellationToken)).ExitCode);
        return command;
    }

    /// <summary>Runs the verb: reads the input, answers it, prints the one JSON document.</summary>
    public static Task<VerbRun> RunAsync(VerbRunner runner, string name, ProtocolInputSource source, string? configPath, CancellationToken cancellationToken)
    {
        var (_, emptyIsEmptyObject, operation) = Describe(name);
        return runner.RunProtocolAsync(configPath, name, async (session, ct) =>
        {
            // The input is read and checked before the configuration is loaded, so bad input changes nothing.
            using var input = ProtocolInput.Parse(source.Read(session.Console), source.Description, emptyIsEmptyObject);
            var operations = new ProtocolOperations(session.Runtime());

            // Started once the runtime is built: building it starts OTLP export when that is configured.
            using var call = HostFactoryDiagnostics.StartCall(name);
            return await operation(operations, input.RootElement, ct);
        }, cancellationToken);
    }

    private static (string Description, bool EmptyIsEmptyObject, Func<ProtocolOperations, JsonElement, CancellationToken, Task<ProtocolOutcome>> Operation) Describe(string name) => name switch
    {
        GetAvailableTemplates => ("Lists the enabled templates with their attributes and how many machines each can still provide.", true,
            static async (operations, _, ct) => new ProtocolOutcome(await operations.GetAvailableTemplatesAsync(ct))),
        RequestMachines => ("Asks for machines of a template: {\"template\": {\"templateId\": \"…\", \"machineCount\": N}}.", false,
            static async (operations, input, ct) =>
            {
                var (templateId, count) = ProtocolInput.RequestMachines(input);
                return await operations.RequestMachinesAsync(templateId, count, ct);
            }),
        RequestReturnMachines => ("Gives machines back by name: {\"machines\": [{\"name\": \"…\", \"machineId\": \"…\"}]}.", false,
            static async (operations, input, ct) => new ProtocolOutcome(await operations.RequestReturnMachinesAsync(ProtocolInput.Machines(input, required: true), ct))),
        GetRequestStatus => ("Reports acquire and return requests: {\"requests\": [{\"requestId\": \"…\"}]} (or one object).", false,
            static async (operations, input, ct) => new ProtocolOutcome(await operations.GetRequestStatusAsync(ProtocolInput.RequestIds(input), ct))),
        GetReturnRequests => ("Lists the machines the providers are taking back: {\"machines\": [{\"name\": \"…\"}]} (may be empty).", true,
            static async (operations, input, ct) => new ProtocolOutcome(await operations.GetReturnRequestsAsync(ProtocolInput.Machines(input, required: false), ct))),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a protocol verb."),
    };
}
