using System.CommandLine;
using System.Globalization;
using HostFactory.Application.Common;
using HostFactory.Application.Requests;
using HostFactory.Cli.Commands;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Protocol;
using HostFactory.Domain.Requests;
using HostFactory.Hosting.Failures;

namespace HostFactory.Cli.Operator;

/// <summary><c>requests list|show ID [--wait]|cancel ID</c>.</summary>
internal static class RequestsVerbs
{
    public static Command Create(VerbRunner runner, GlobalOptions options)
    {
        var group = OperatorVerbs.Group(options, "requests", "Lists, follows and cancels acquire (req-) and return (ret-) requests.");

        var kind = new Option<string?>("--kind") { Description = "Only acquire or only return requests." };
        kind.AcceptOnlyFromAmong("acquire", "return");
        var status = new Option<string?>("--status") { Description = "Only requests in this status: pending provisioning releasing completed completed_with_errors failed cancelled timed_out." };
        status.AcceptOnlyFromAmong(Enum.GetValues<RequestStatus>().Select(RequestStatusWords.ToWord).ToArray());
        var template = new Option<string?>("--template") { Description = "Only acquire requests of this template." };
        var limit = OperatorVerbs.LimitOption();
        var offset = OperatorVerbs.OffsetOption();
        var list = new Command("list", "Lists requests, oldest first.") { kind, status, template, limit, offset };
        list.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "requests list", async (session, format, token) =>
        {
            RequestKind? kindFilter = RequestKindWords.TryParse(parseResult.GetValue(kind), out var k) ? k : null;
            RequestStatus? statusFilter = RequestStatusWords.TryParse(parseResult.GetValue(status), out var s) ? s : null;
            var page = await session.Runtime().Queries.ExecuteAsync(
                new ListRequests(kindFilter, statusFilter, parseResult.GetValue(template), parseResult.GetValue(offset), parseResult.GetValue(limit)), token);
            var views = page.Items.Select(RequestView.From).ToList();
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson(session.Console.Out, new ListView<RequestView>(page.Total, page.Offset, views), static c => c.ListViewRequestView);
                return ExitCodes.Success;
            }

            var table = new TextTable("REQUEST", "KIND", "STATUS", "TEMPLATE", "MACHINES", "CREATED", "MESSAGE");
            foreach (var view in views)
            {
                table.Add(view.RequestId, view.Kind, view.Status, view.TemplateId ?? "-",
                    $"{view.MachineIds.Count}/{view.RequestedCount}", OperatorVerbs.Time(view.CreatedAt), view.Message);
            }

            table.Write(session.Console);
            if (page.Total > views.Count)
            {
                session.Console.Out.WriteLine($"({views.Count} of {page.Total} shown; use --offset and --limit for more)");
            }

            return ExitCodes.Success;
        }, ct));

        var showId = new Argument<string>("ID") { Description = "The request id (req-… or ret-…)." };
        var wait = new Option<bool>("--wait") { Description = "Sync and poll every second, showing progress on stderr, until the request finishes." };
        var timeout = OperatorVerbs.TimeoutOption();
        var show = new Command("show", "Shows a request as Host Factory sees it (synced with its provider first), and its machines.") { showId, wait, timeout };
        show.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "requests show", async (session, format, token) =>
        {
            var id = parseResult.GetValue(showId)!;
            if (!RequestId.TryParse(id, out var requestId))
            {
                throw new InputException($"'{id}' is not a request id ('req-' or 'ret-' followed by a lowercase UUID).");
            }

            var operations = new ProtocolOperations(session.Runtime());
            var status = parseResult.GetValue(wait)
                ? await RequestWatcher.FollowAsync(session.Console, format, operations, id, TimeSpan.FromSeconds(parseResult.GetValue(timeout)), token)
                : (await operations.SyncAndGetStatusAsync([id], token))[0];
            if (status.Request is not { } request)
            {
                throw new RequestNotFoundException(requestId);
            }

            WriteDetail(session.Console, format, new RequestDetailView(RequestView.From(request), ProtocolMapper.Request(status)));
            return ExitCodes.Success;
        }, ct));

        var cancelId = new Argument<string>("ID") { Description = "The acquire request id (req-…)." };
        var reason = new Option<string>("--reason")
        {
            Description = "Why; becomes the request's message.",
            DefaultValueFactory = _ => "Cancelled by an operator (hostfactory requests cancel).",
        };
        var cancel = new Command("cancel", "Cancels an unfinished acquire request and returns the machines made for it.") { cancelId, reason };
        cancel.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "requests cancel", async (session, format, token) =>
        {
            var result = await session.Runtime().Commands.ExecuteAsync(new CancelRequest(parseResult.GetValue(cancelId)!, parseResult.GetValue(reason)!), token);
            var view = new CancelView(result.RequestId.Value, result.ReturnRequestId?.Value, result.ReleasedMachines.Select(m => m.Value).ToList(), result.Message);
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson(session.Console.Out, view, static c => c.CancelView);
            }
            else
            {
                session.Console.Out.WriteLine(view.Message);
            }

            return ExitCodes.Success;
        }, ct));

        group.Subcommands.Add(list);
        group.Subcommands.Add(show);
        group.Subcommands.Add(cancel);
        return group;
    }

    /// <summary>Writes a request and what Host Factory sees of it.</summary>
    public static void WriteDetail(CliConsole console, OutputFormat format, RequestDetailView detail)
    {
        if (format == OutputFormat.Json)
        {
            OperatorVerbs.WriteJson(console.Out, detail, static c => c.RequestDetailView);
            return;
        }

        var status = detail.HostFactory;
        var fields = new List<(string, string?)> { ("request", status.RequestId) };
        if (detail.Request is { } request)
        {
            fields.Add(("kind", request.Kind));
            fields.Add(("status", $"{request.Status} (Host Factory: {status.Status})"));
            fields.Add(("template", request.TemplateId ?? "-"));
            fields.Add(("machines", $"{status.Machines.Count} of {request.RequestedCount.ToString(CultureInfo.InvariantCulture)}"));
            fields.Add(("created", OperatorVerbs.Time(request.CreatedAt)));
            fields.Add(("completed", OperatorVerbs.Time(request.CompletedAt)));
            fields.Add(("deadline", OperatorVerbs.Time(request.Deadline)));
        }
        else
        {
            fields.Add(("status", status.Status));
        }

        fields.Add(("message", status.Message));
        TextTable.WriteFields(console, fields);
        if (status.Machines.Count > 0)
        {
            console.Out.WriteLine();
            var table = new TextTable("MACHINE", "NAME", "RESULT", "STATUS", "PRIVATE IP", "LAUNCHED", "MESSAGE");
            foreach (var machine in status.Machines)
            {
                table.Add(machine.MachineId, machine.Name, machine.Result, machine.Status ?? "-", machine.PrivateIpAddress,
                    OperatorVerbs.Time(DateTimeOffset.FromUnixTimeSeconds(machine.LaunchTime)), machine.Message);
            }

            table.Write(console);
        }
    }
}
