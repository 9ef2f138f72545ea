using System.CommandLine;
using HostFactory.Application.Common;
using HostFactory.Application.Templates;
using HostFactory.Cli.Commands;
using HostFactory.Cli.Infrastructure;
using HostFactory.Domain.Templates;
using HostFactory.Hosting.Failures;

namespace HostFactory.Cli.Operator;

/// <summary><c>templates list|show ID|validate ID</c>. Each first imports the templates file when it changed.</summary>
internal static class TemplatesVerbs
{
    public static Command Create(VerbRunner runner, GlobalOptions options)
    {
        var group = OperatorVerbs.Group(options, "templates", "Lists, shows and validates templates (the templates file is imported first when it changed).");

        var list = new Command("list", "Lists every template, enabled or not, with its active and available machines.");
        list.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "templates list", async (session, format, token) =>
        {
            var runtime = session.Runtime();
            await runtime.ImportTemplatesAsync(token);
            var templates = await runtime.Queries.ExecuteAsync(new ListTemplates(), token);
            var views = templates.Select(TemplateView.From).ToList();
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson(session.Console.Out, new ListView<TemplateView>(views.Count, 0, views), static c => c.ListViewTemplateView);
                return ExitCodes.Success;
            }

            var table = new TextTable("TEMPLATE", "PROVIDER", "ENABLED", "MAX", "ACTIVE", "AVAILABLE", "ATTRIBUTES");
            foreach (var view in views)
            {
                table.Add(view.TemplateId, view.ProviderName, view.Enabled ? "yes" : "no", Max(view.MaxNumber), Text(view.ActiveMachines),
                    view.AvailableNumber is { } available ? Text(available) : "unlimited",
                    string.Join(" ", view.Attributes.Select(a => $"{a.Key}={a.Value[1]}")));
            }

            table.Write(session.Console);
            return ExitCodes.Success;
        }, ct));

        var showId = new Argument<string>("ID") { Description = "The template id." };
        var show = new Command("show", "Shows one template: attributes, provider settings, live numbers.") { showId };
        show.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "templates show", async (session, format, token) =>
        {
            var summary = await FindAsync(session, parseResult.GetValue(showId)!, token);
            var view = TemplateView.From(summary);
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson(session.Console.Out, view, static c => c.TemplateView);
                return ExitCodes.Success;
            }

            var fields = new List<(string, string?)>
            {
                ("template", view.TemplateId),
                ("provider", view.ProviderName),
                ("enabled", view.Enabled ? "yes" : "no"),
                ("maxNumber", Max(view.MaxNumber)),
                ("active machines", Text(view.ActiveMachines)),
                ("availableNumber", view.AvailableNumber is { } available ? Text(available) : "unlimited"),
                ("request timeout", $"{view.RequestTimeoutSeconds:0} s"),
                ("created", OperatorVerbs.Time(view.CreatedAt)),
                ("updated", OperatorVerbs.Time(view.UpdatedAt)),
            };
            fields.AddRange(view.Attributes.Select(a => ($"attribute {a.Key}", (string?)$"{a.Value[1]} ({a.Value[0]})")));
            fields.AddRange(view.ProviderSettings.Select(s => ($"setting {s.Key}", (string?)s.Value.GetRawText())));
            TextTable.WriteFields(session.Console, fields);
            return ExitCodes.Success;
        }, ct));

        var validateId = new Argument<string>("ID") { Description = "The template id." };
        var validate = new Command("validate", "Checks a template against the domain's rules and its provider (exit code 3 when it has problems).") { validateId };
        validate.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "templates validate", async (session, format, token) =>
        {
            var summary = await FindAsync(session, parseResult.GetValue(validateId)!, token);
            var view = await ValidateAsync(session.Runtime(), summary, token);
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson(session.Console.Out, view, static c => c.TemplateValidationView);
            }
            else
            {
                session.Console.Out.WriteLine(view.Valid ? $"Template {view.TemplateId} is valid." : $"Template {view.TemplateId} has {view.Problems.Count} problem(s):");
                foreach (var problem in view.Problems)
                {
                    session.Console.Out.WriteLine($"  - {problem}");
                }
            }

            return view.Valid ? ExitCodes.Success : ExitCodes.Refused;
        }, ct));

        group.Subcommands.Add(list);
        group.Subcommands.Add(show);
        group.Subcommands.Add(validate);
        return group;
    }

    /// <summary>Validates a stored template with the domain's rules and its provider.</summary>
    public static async Task<TemplateValidationView> ValidateAsync(HostFactoryRuntime runtime, TemplateSummary summary, CancellationToken cancellationToken)
    {
        var template = summary.Template;
        var definition = new TemplateDefinition(template.Id.Value, template.ProviderName, template.MaxNumber, template.Attributes,
            template.ProviderSettings, template.RequestTimeout, template.Enabled);
        var result = await runtime.Queries.ExecuteAsync(new ValidateTemplate(definition), cancellationToken);
        return new TemplateValidationView(template.Id.Value, result.IsValid, result.Problems);
    }

    private static async Task<TemplateSummary> FindAsync(CliSession session, string id, CancellationToken cancellationToken)
    {
        var runtime = session.Runtime();
        await runtime.ImportTemplatesAsync(cancellationToken);
        return await runtime.Queries.ExecuteAsync(new GetTemplate(id), cancellationToken)
            ?? throw new TemplateNotFoundException(new TemplateId(id));
    }

    private static string Max(int maxNumber) => maxNumber < 0 ? "unlimited" : Text(maxNumber);

    private static string Text(int number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
