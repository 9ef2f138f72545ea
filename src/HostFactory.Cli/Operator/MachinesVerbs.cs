using System.CommandLine;
using HostFactory.Application.Common;
using HostFactory.Application.Machines;
using HostFactory.Application.Requests;
using HostFactory.Cli.Commands;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Protocol;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Hosting.Failures;

namespace HostFactory.Cli.Operator;

/// <summary><c>machines list|show ID|return NAME... [--wait]</c>.</summary>
internal static class MachinesVerbs
{
    public static Command Create(VerbRunner runner, GlobalOptions options)
    {
        var group = OperatorVerbs.Group(options, "machines", "Lists, shows and returns machines.");

        var request = new Option<string?>("--request") { Description = "Only machines made for (req-…) or returned by (ret-…) this request." };
        var status = new Option<string?>("--status") { Description = "Only machines in this status: pending running stopping stopped shutting-down terminated failed unknown." };
        status.AcceptOnlyFromAmong(Enum.GetValues<MachineStatus>().Select(MachineStatusWords.ToWord).ToArray());
        var template = new Option<string?>("--template") { Description = "Only machines of this template." };
        var limit = OperatorVerbs.LimitOption();
        var offset = OperatorVerbs.OffsetOption();
        var list = new Command("list", "Lists machines, oldest first.") { request, status, template, limit, offset };
        list.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "machines list", async (session, format, token) =>
        {
            MachineStatus? statusFilter = MachineStatusWords.TryParse(parseResult.GetValue(status), out var s) ? s : null;
            var page = await session.Runtime().Queries.ExecuteAsync(
                new ListMachines(parseResult.GetValue(request), statusFilter, parseResult.GetValue(template), parseResult.GetValue(offset), parseResult.GetValue(limit)), token);
            var views = page.Items.Select(MachineView.From).ToList();
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson(session.Console.Out, new ListView<MachineView>(page.Total, page.Offset, views), static c => c.ListViewMachineView);
                return ExitCodes.Success;
            }

            var table = new TextTable("MACHINE", "NAME", "STATUS", "TEMPLATE", "REQUEST", "RETURN", "PRIVATE IP", "LAUNCHED");
            foreach (var view in views)
            {
                table.Add(view.MachineId, view.Name, view.Status, view.TemplateId, view.RequestId, view.ReturnRequestId ?? "-",
                    view.PrivateIpAddress, OperatorVerbs.Time(view.LaunchTime));
            }

            table.Write(session.Console);
            if (page.Total > views.Count)
            {
                session.Console.Out.WriteLine($"({views.Count} of {page.Total} shown; use --offset and --limit for more)");
            }

            return ExitCodes.Success;
        }, ct));

        var showId = new Argument<string>("ID") { Description = "The machine id (m-…)." };
        var show = new Command("show", "Shows one machine with everything stored about it.") { showId };
        show.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "machines show", async (session, format, token) =>
        {
            var id = parseResult.GetValue(showId)!;
            var machine = await session.Runtime().Queries.ExecuteAsync(new GetMachine(id), token)
                ?? throw new MachineNotFoundException(id);
            var view = MachineView.From(machine);
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson(session.Console.Out, view, static c => c.MachineView);
                return ExitCodes.Success;
            }

            var fields = new List<(string, string?)>
            {
                ("machine", view.MachineId),
                ("name", view.Name),
                ("status", view.Status),
                ("template", view.TemplateId),
                ("request", view.RequestId),
                ("return request", view.ReturnRequestId ?? "-"),
                ("provider", $"{view.ProviderName} ({view.ProviderMachineId})"),
                ("private IP", view.PrivateIpAddress),
                ("public IP", view.PublicIpAddress ?? "-"),
                ("launched", OperatorVerbs.Time(view.LaunchTime)),
                ("instance type", view.InstanceType ?? "-"),
                ("price type", view.PriceType ?? "-"),
                ("cloud host id", view.CloudHostId ?? "-"),
                ("message", view.Message),
                ("updated", OperatorVerbs.Time(view.UpdatedAt)),
            };
            fields.AddRange(view.Tags.Select(t => ($"tag {t.Key}", (string?)t.Value)));
            fields.AddRange(view.ProviderData.Select(d => ($"data {d.Key}", (string?)d.Value)));
            TextTable.WriteFields(session.Console, fields);
            return ExitCodes.Success;
        }, ct));

        var names = new Argument<string[]>("NAME") { Description = "Host names or machine ids (m-…) to return.", Arity = ArgumentArity.OneOrMore };
        var wait = new Option<bool>("--wait") { Description = "Poll every second, showing progress on stderr, until the return finishes." };
        var timeout = OperatorVerbs.TimeoutOption();
        var giveBack = new Command("return", "Returns machines, as Host Factory's requestReturnMachines does.") { names, wait, timeout };
        giveBack.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "machines return", async (session, format, token) =>
        {
            var references = parseResult.GetValue(names)!
                .Select(name => MachineId.TryParse(name, out _) ? new MachineReference(null, name) : new MachineReference(name))
                .ToList();
            var runtime = session.Runtime();
            var result = await runtime.Commands.ExecuteAsync(new ReturnMachines(references), token);
            RequestStatusDocument? final = null;
            if (parseResult.GetValue(wait))
            {
                var entry = await RequestWatcher.FollowAsync(session.Console, format, new ProtocolOperations(runtime), result.RequestId.Value,
                    TimeSpan.FromSeconds(parseResult.GetValue(timeout)), token);
                final = ProtocolMapper.Request(entry);
            }

            var view = new ReturnView(result.RequestId.Value, final?.Status ?? HostFactoryWords.RequestStatus(result.Status), result.Message,
                result.Returned.Select(m => m.Value).ToList(), result.AlreadyReturningOrTerminated.Select(m => m.Value).ToList(), result.Unknown, final);
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson(session.Console.Out, view, static c => c.ReturnView);
            }
            else
            {
                TextTable.WriteFields(session.Console, [("return request", view.RequestId), ("status", view.Status), ("message", view.Message)]);
            }

            return ExitCodes.Success;
        }, ct));

        group.Subcommands.Add(list);
        group.Subcommands.Add(show);
        group.Subcommands.Add(giveBack);
        return group;
    }
}
