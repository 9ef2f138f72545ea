using System.CommandLine;
using System.CommandLine.Parsing;
using HostFactory.Cli.Demo;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Operator;
using HostFactory.Cli.Protocol;
using HostFactory.Cli.Resident;
using HostFactory.Cli.Scripts;
using HostFactory.Hosting.Failures;

namespace HostFactory.Cli.Commands;

/// <summary>
/// The <c>hostfactory</c> command tree (System.CommandLine): every command line that is not a protocol call in the
/// script form is parsed and run here. A command line that does not parse ends with exit code 2 and one line naming
/// what was wrong (and <c>{"message"}</c> on stdout where the caller reads JSON).
/// </summary>
internal static class CommandTree
{
    private const string Description =
        "hostfactory: a provider plugin for IBM Spectrum Symphony Host Factory. Host Factory runs the protocol verbs "
        + "(getAvailableTemplates, requestMachines, requestReturnMachines, getRequestStatus, getReturnRequests) through the "
        + "scripts 'hostfactory scripts install DIR' writes; operators use the other verbs. See docs/cli.md.";

    /// <summary>Parses <paramref name="args"/> and runs the verb; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console)
    {
        var options = new GlobalOptions(console.IsOutputRedirected);
        var runner = new VerbRunner(console);
        var parseResult = Build(args, runner, options).Parse(args);
        try
        {
            if (parseResult.Errors.Count > 0)
            {
                var verb = VerbOf(parseResult);
                var reason = string.Join(" ", parseResult.Errors.Select(e => e.Message));
                var asJson = ProtocolVerbs.Names.Contains(verb) || options.WantsJson(parseResult);
                var help = verb.Length == 0 ? "hostfactory --help" : $"hostfactory {verb} --help";
                runner.Report(verb, new Failure(ExitCodes.BadInput, ErrorMapper.OneLine($"{reason} See '{help}'."), false), asJson, null);
                return ExitCodes.BadInput;
            }

            return await parseResult.InvokeAsync(new InvocationConfiguration
            {
                Output = console.Out,
                Error = console.Error,
                EnableDefaultExceptionHandler = false,
            });
        }
        finally
        {
            console.Out.Flush();
        }
    }

    /// <summary>
    /// The root command. Only the verb named on the command line is built when there is one: building every operator
    /// verb (options, allowed values) would cost each call start-up time. Help, and anything unrecognised, get the
    /// whole tree.
    /// </summary>
    private static RootCommand Build(IReadOnlyList<string> args, VerbRunner runner, GlobalOptions options)
    {
        var root = new RootCommand(Description);
        root.Options.Add(options.Config);
        var verbs = Verbs(runner, options);
        if (VerbName(args) is { } name && verbs.TryGetValue(name, out var only))
        {
            root.Subcommands.Add(only());
            return root;
        }

        foreach (var create in verbs.Values)
        {
            root.Subcommands.Add(create());
        }

        return root;
    }

    private static Dictionary<string, Func<Command>> Verbs(VerbRunner runner, GlobalOptions options)
    {
        var verbs = new Dictionary<string, Func<Command>>(StringComparer.Ordinal);
        foreach (var name in ProtocolVerbs.Names)
        {
            verbs[name] = () => ProtocolVerbs.Create(runner, options, name);
        }

        verbs["templates"] = () => TemplatesVerbs.Create(runner, options);
        verbs["requests"] = () => RequestsVerbs.Create(runner, options);
        verbs["machines"] = () => MachinesVerbs.Create(runner, options);
        verbs["providers"] = () => ProvidersVerbs.Create(runner, options);
        verbs["storage"] = () => StorageVerbs.Create(runner, options);
        verbs["scripts"] = () => ScriptsVerbs.Create(runner, options);
        verbs["demo"] = () => DemoVerb.Create(runner, options);
        verbs[ResidentLauncher.Verb] = () => ResidentVerbs.Create(runner, options);
        return verbs;
    }

    /// <summary>The first word that is neither an option nor the value of <c>--config</c>.</summary>
    private static string? VerbName(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == GlobalOptions.ConfigOptionName)
            {
                i++;
            }
            else if (!args[i].StartsWith('-'))
            {
                return args[i];
            }
        }

        return null;
    }

    /// <summary>The verb as typed, e.g. <c>requests show</c>; empty for the root command.</summary>
    private static string VerbOf(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        return string.Join(' ', names);
    }
}
