using System.CommandLine;
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

    /// <summary>The verb called <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    public static Command Create(CliApplication application, string name) => name switch
    {
        GetAvailableTemplates => Verb(application, name, "Lists the enabled templates with their attributes and how many machines each can still provide.",
            emptyIsEmptyObject: true, static async (operations, _, ct) => new ProtocolOutcome(await operations.GetAvailableTemplatesAsync(ct))),
        RequestMachines => Verb(application, name, "Asks for machines of a template: {\"template\": {\"templateId\": \"…\", \"machineCount\": N}}.",
            emptyIsEmptyObject: false, static async (operations, input, ct) =>
            {
                var (templateId, count) = ProtocolInput.RequestMachines(input);
                return await operations.RequestMachinesAsync(templateId, count, ct);
            }),
        RequestReturnMachines => Verb(application, name, "Gives machines back by name: {\"machines\": [{\"name\": \"…\", \"machineId\": \"…\"}]}.",
            emptyIsEmptyObject: false, static async (operations, input, ct) =>
                new ProtocolOutcome(await operations.RequestReturnMachinesAsync(ProtocolInput.Machines(input, required: true), ct))),
        GetRequestStatus => Verb(application, name, "Reports acquire and return requests: {\"requests\": [{\"requestId\": \"…\"}]} (or one object).",
            emptyIsEmptyObject: false, static async (operations, input, ct) =>
                new ProtocolOutcome(await operations.GetRequestStatusAsync(ProtocolInput.RequestIds(input), ct))),
        GetReturnRequests => Verb(application, name, "Lists the machines the providers are taking back: {\"machines\": [{\"name\": \"…\"}]} (may be empty).",
            emptyIsEmptyObject: true, static async (operations, input, ct) =>
                new ProtocolOutcome(await operations.GetReturnRequestsAsync(ProtocolInput.Machines(input, required: false), ct))),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a protocol verb."),
    };

    private static Command Verb(
        CliApplication application,
        string name,
        string description,
        bool emptyIsEmptyObject,
        Func<ProtocolOperations, System.Text.Json.JsonElement, CancellationToken, Task<ProtocolOutcome>> operation)
    {
        var file = new Option<string?>("--file", "-f")
        {
            Description = "The input JSON file Host Factory wrote; stdin when absent or '-'.",
            HelpName = "FILE",
        };
        var command = new Command(name, description) { file };
        command.SetAction((parseResult, cancellationToken) => application.RunProtocolVerbAsync(parseResult, name, async (session, ct) =>
        {
            // The input is read and checked before the configuration is loaded, so bad input changes nothing.
            using var input = ProtocolInput.Read(parseResult.GetValue(file), session.Console, emptyIsEmptyObject);
            return await operation(new ProtocolOperations(session.Runtime()), input.RootElement, ct);
        }, cancellationToken));
        return command;
    }
}
