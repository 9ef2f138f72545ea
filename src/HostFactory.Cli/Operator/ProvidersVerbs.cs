using System.CommandLine;
using System.Globalization;
using HostFactory.Application.Machines;
using HostFactory.Application.Templates;
using HostFactory.Cli.Commands;
using HostFactory.Cli.Infrastructure;
using HostFactory.Domain.Providers;
using HostFactory.Hosting.Failures;
using HostFactory.Providers.Configuration;
using Microsoft.Extensions.Options;

namespace HostFactory.Cli.Operator;

/// <summary><c>providers list|check|orphans</c>.</summary>
internal static class ProvidersVerbs
{
    public static Command Create(VerbRunner runner, GlobalOptions options)
    {
        var group = OperatorVerbs.Group(options, "providers", "Lists the configured provider instances, checks their health and lists the machines they hold that no request owns.");

        var list = new Command("list", "Lists the provider instances of the configuration file (no plugin is loaded).");
        list.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "providers list", (session, format, _) =>
        {
            var views = Instances(session.Runtime())
                .Select(i => new ProviderView(i.Name, i.Type, i.Enabled, i.Assembly, i.TimeoutSeconds, i.Retries, i.RetryDelaySeconds))
                .ToList();
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson<IReadOnlyList<ProviderView>>(session.Console.Out, views, static c => c.IReadOnlyListProviderView);
                return Task.FromResult(ExitCodes.Success);
            }

            var table = new TextTable("PROVIDER", "TYPE", "ENABLED", "TIMEOUT", "RETRIES", "ASSEMBLY");
            foreach (var view in views)
            {
                table.Add(view.Name, view.Type, view.Enabled ? "yes" : "no", $"{view.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s",
                    view.Retries.ToString(CultureInfo.InvariantCulture), view.Assembly ?? "(built in)");
            }

            table.Write(session.Console);
            return Task.FromResult(ExitCodes.Success);
        }, ct));

        var check = new Command("check", "Loads every enabled provider and validates each enabled template with its provider (exit code 4 when one is unhealthy).");
        check.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "providers check", async (session, format, token) =>
        {
            var runtime = session.Runtime();
            // Loading the registry loads every enabled plugin; a plugin that does not load fails here, naming it.
            var registry = runtime.GetRequiredService<IMachineProviderRegistry>();
            await runtime.ImportTemplatesAsync(token);
            var templates = await runtime.Queries.ExecuteAsync(new ListTemplates(EnabledOnly: true), token);
            var views = new List<ProviderHealthView>();
            foreach (var instance in Instances(runtime))
            {
                var problems = new List<string>();
                var checkedTemplates = new List<TemplateValidationView>();
                if (!instance.Enabled)
                {
                    problems.Add("Disabled: not loaded, and its templates accept no requests.");
                }
                else if (!registry.TryGet(instance.Name, out _))
                {
                    problems.Add("Enabled but not loaded.");
                }
                else
                {
                    foreach (var template in templates.Where(t => t.Template.ProviderName == instance.Name))
                    {
                        checkedTemplates.Add(await TemplatesVerbs.ValidateAsync(runtime, template, token));
                    }
                }

                var healthy = instance.Enabled ? problems.Count == 0 && checkedTemplates.TrueForAll(t => t.Valid) : true;
                views.Add(new ProviderHealthView(instance.Name, instance.Type, instance.Enabled, healthy, checkedTemplates, problems));
            }

            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson<IReadOnlyList<ProviderHealthView>>(session.Console.Out, views, static c => c.IReadOnlyListProviderHealthView);
            }
            else
            {
                var table = new TextTable("PROVIDER", "TYPE", "HEALTH", "TEMPLATES", "PROBLEMS");
                foreach (var view in views)
                {
                    var health = !view.Enabled ? "disabled" : view.Healthy ? "ok" : "UNHEALTHY";
                    var problems = view.Problems.Concat(view.Templates.SelectMany(t => t.Problems.Select(p => $"{t.TemplateId}: {p}")));
                    table.Add(view.Name, view.Type, health, string.Join(" ", view.Templates.Select(t => t.TemplateId)), string.Join(" | ", problems));
                }

                table.Write(session.Console);
            }

            return views.TrueForAll(v => v.Healthy) ? ExitCodes.Success : ExitCodes.ProviderOrStorageFailure;
        }, ct));

        var providerOption = new Option<string?>("--provider") { Description = "Ask only this provider instance." };
        var orphans = new Command(
            "orphans",
            "Lists the machines providers hold that no request in the store owns, and why; releases nothing (exit code 4 when a provider failed to answer).")
        {
            providerOption,
        };
        orphans.SetAction((parseResult, ct) => runner.RunOperatorAsync(options.ValuesOf(parseResult), "providers orphans", async (session, format, token) =>
        {
            var found = await session.Runtime().Queries.ExecuteAsync(new ListOrphanMachines(parseResult.GetValue(providerOption)), token);
            var view = new OrphansView(
                [.. found.Orphans.Select(o => new OrphanView(o.ProviderName, o.Key.Value, o.Machine.ProviderMachineId, o.Machine.HostName, o.Machine.PrivateIpAddress, o.Machine.LaunchTime, o.Reason))],
                [.. found.Providers.Select(p => new HoldingsView(p.ProviderName, p.Held, p.Problem))]);
            if (format == OutputFormat.Json)
            {
                OperatorVerbs.WriteJson(session.Console.Out, view, static c => c.OrphansView);
            }
            else
            {
                var table = new TextTable("PROVIDER", "MACHINE", "HOST", "KEY", "LAUNCHED", "WHY");
                foreach (var orphan in view.Orphans)
                {
                    table.Add(orphan.Provider, orphan.ProviderMachineId, orphan.HostName, orphan.ProvisionKey, OperatorVerbs.Time(orphan.LaunchTime), orphan.Reason);
                }

                table.Write(session.Console);
                foreach (var provider in view.Providers)
                {
                    session.Console.Out.Write(provider.Problem is null
                        ? $"{provider.Provider}: holds {provider.Held.GetValueOrDefault().ToString(CultureInfo.InvariantCulture)} machine(s), {view.Orphans.Count(o => o.Provider == provider.Provider).ToString(CultureInfo.InvariantCulture)} orphaned.\n"
                        : $"{provider.Provider}: not checked: {provider.Problem}\n");
                }
            }

            return found.Providers.Any(p => p.Failed) ? ExitCodes.ProviderOrStorageFailure : ExitCodes.Success;
        }, ct));

        group.Subcommands.Add(list);
        group.Subcommands.Add(check);
        group.Subcommands.Add(orphans);
        return group;
    }

    private static IList<ProviderInstanceOptions> Instances(HostFactoryRuntime runtime) =>
        runtime.GetRequiredService<IOptions<MachineProvidersOptions>>().Value.Instances;
}
