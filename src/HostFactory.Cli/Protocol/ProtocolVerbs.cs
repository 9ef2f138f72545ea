using System.CommandLine;
using System.Text.Json;
using HostFactory.Application.Diagnostics;
using HostFactory.Cli.Commands;
using HostFactory.Cli.Infrastructure;

namespace HostFactory.Cli.Protocol;

/// <summary>
/// The five verbs Host Factory runs, named as it names them. Each reads one JSON document (<c>-f FILE</c>, or stdin)
/// and prints one JSON document on stdout; see docs/cli.md and the protocol document.
/// </summary>
internal static class ProtocolVerbs
{
    public const string GetAvailableTemplates = "getAvailableTemplates";
    public const string RequestMachines = "requestMachines";
    public const string RequestReturnMachines = "requestReturnMachines";
    public const string GetRequestStatus = "getRequestStatus";
    public const string GetReturnRequests = "getReturnRequests";

    /// <summary>The verbs, in the order Host Factory uses them.</summary>
    public static readonly IReadOnlyList<string> Names =
        [GetAvailableTemplates, RequestMachines, RequestReturnMachines, GetRequestStatus, GetReturnRequests];

    /// <summary>
    /// True for the verbs that may run again if a first run was cut short: they only read, or bring the store in line
    /// with the providers. <c>requestMachines</c> and <c>requestReturnMachines</c> are not: a second run would ask twice.
    /// </summary>
    public static bool IsSafeToRepeat(string name) => name is GetAvailableTemplates or GetRequestStatus or GetReturnRequests;

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

    /// <summary>
    /// Recognises the command lines Host Factory's scripts produce: <c>VERB</c>, <c>VERB -f FILE</c> or
    /// <c>VERB --file FILE</c>, with an optional <c>--config PATH</c>. They are run without building the command tree,
    /// which each short process would pay for; anything else (help, a typo) goes through System.CommandLine.
    /// </summary>
    public static bool TryParseScriptCall(IReadOnlyList<string> args, out string verb, out string? file, out string? configPath)
    {
        verb = string.Empty;
        file = null;
        configPath = null;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "-f" or "--file" when file is null && value is not null && verb.Length > 0:
                    file = value;
                    i++;
                    break;
                case GlobalOptions.ConfigOptionName when configPath is null && value is not null:
                    configPath = value;
                    i++;
                    break;
                case var word when verb.Length == 0 && Names.Contains(word):
                    verb = word;
                    break;
                default:
                    return false;
            }
        }

        return verb.Length > 0;
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
