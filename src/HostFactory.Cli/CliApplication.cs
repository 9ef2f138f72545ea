using System.CommandLine;
using System.Diagnostics;
using System.Text;
using HostFactory.Cli.Demo;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Logging;
using HostFactory.Cli.Operator;
using HostFactory.Cli.Protocol;
using HostFactory.Cli.Resident;
using HostFactory.Cli.Scripts;
using HostFactory.Hosting.Failures;
using HostFactory.Providers.Configuration;

namespace HostFactory.Cli;

/// <summary>
/// The <c>hostfactory</c> command tree and the one way every verb runs: a session, the verb's body, and on failure
/// the exception mapped once (<see cref="ErrorMapper"/>) to an exit code, a one-line reason on stderr and, where the
/// caller reads JSON, <c>{"message": "…"}</c> on stdout.
/// </summary>
internal sealed class CliApplication
{
    /// <summary>The global option naming the configuration.</summary>
    public const string ConfigOptionName = "--config";

    private readonly CliConsole _console;
    private readonly HostFactoryContainer? _sharedContainer;
    private Option<string?>? _configOption;
    private Option<OutputFormat?>? _formatOption;

    /// <summary>An application writing to <paramref name="console"/>.</summary>
    /// <param name="console">The streams.</param>
    /// <param name="sharedContainer">The resident process's container, which every verb then runs in; null to build one per run.</param>
    public CliApplication(CliConsole console, HostFactoryContainer? sharedContainer = null)
    {
        _console = console;
        _sharedContainer = sharedContainer;
    }

    /// <summary><c>--config PATH</c>: a configuration file or directory; wins over <c>HF_PROVIDER_CONFDIR</c>.</summary>
    /// <remarks>The options are made on first use: a protocol call from Host Factory's scripts never builds them.</remarks>
    public Option<string?> ConfigOption => _configOption ??= new(ConfigOptionName)
    {
        Description = "The configuration file (hostfactory.json) or the directory holding it; wins over HF_PROVIDER_CONFDIR.",
        HelpName = "PATH",
        Recursive = true,
    };

    /// <summary><c>--format table|json</c> of the operator verbs.</summary>
    public Option<OutputFormat?> FormatOption => _formatOption ??= new("--format")
    {
        Description = "table or json; a table on a terminal, JSON when stdout is redirected.",
        Recursive = true,
        HelpName = "table|json",
    };

    /// <summary>The <c>hostFactory:resident</c> settings of the last verb run that loaded the configuration.</summary>
    public ResidentSettings? ResidentSettingsSeen { get; private set; }

    /// <summary>The console of this run.</summary>
    public CliConsole Console => _console;

    /// <summary>Parses <paramref name="args"/> and runs the verb; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console)
    {
        var application = new CliApplication(console);
        if (ProtocolVerbs.TryParseScriptCall(args, out var scriptVerb, out var file, out var configPath))
        {
            return await application.RunScriptCallAsync(scriptVerb, ProtocolInputSource.FromFile(file), configPath);
        }

        var root = application.BuildRoot(args);
        var parseResult = root.Parse(args);
        try
        {
            if (parseResult.Errors.Count > 0)
            {
                var verb = VerbOf(parseResult);
                var reason = string.Join(" ", parseResult.Errors.Select(e => e.Message));
                var asJson = ProtocolVerbs.Names.Contains(verb) || application.WantsJson(parseResult);
                var help = verb.Length == 0 ? "hostfactory --help" : $"hostfactory {verb} --help";
                application.Report(verb, new Failure(ExitCodes.BadInput, ErrorMapper.OneLine($"{reason} See '{help}'."), false), asJson, null);
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
    /// Runs a protocol verb as Host Factory's scripts call it: by the resident process when one serves this
    /// installation and configuration (see <see cref="ResidentEndpoint"/>), else here, starting a resident process
    /// afterwards for the calls to come unless <c>hostFactory:resident:enabled</c> is false.
    /// </summary>
    private async Task<int> RunScriptCallAsync(string verb, ProtocolInputSource input, string? configPath)
    {
        var paths = HostFactoryPathResolver.Resolve(Environment.GetEnvironmentVariable, configPath, CliSession.DefaultConfigDirectory);
        var endpoint = ResidentEndpoint.For(paths, Environment.GetEnvironmentVariable);
        var startResident = false;
        if (endpoint is not null && input.TryRead(_console, out var bytes))
        {
            var call = new ResidentCall(verb, configPath is null ? null : Path.GetFullPath(configPath), input.Description, bytes);
            var (outcome, answer) = ResidentClient.Call(endpoint, call);
            switch (outcome)
            {
                case ResidentOutcome.Answered:
                    _console.Out.Write(Encoding.UTF8.GetString(answer!.StandardOutput));
                    _console.Out.Flush();
                    _console.Error.Write(Encoding.UTF8.GetString(answer.StandardError));
                    return answer.ExitCode;
                case ResidentOutcome.Lost when !ProtocolVerbs.IsSafeToRepeat(verb):
                    var failure = new Failure(
                        ExitCodes.InternalError,
                        $"The resident hostfactory process ended during this {verb}; whether it took effect is unknown. See 'hostfactory requests list' and {paths.LogDirectory}.",
                        false);
                    Report(verb, failure, asJson: true, runtime: null);
                    _console.Out.Flush();
                    return failure.ExitCode;
                case ResidentOutcome.NotRunning:
                    startResident = true;
                    break;
            }
        }

        int exitCode;
        try
        {
            exitCode = await ProtocolVerbs.RunAsync(this, verb, input, configPath, CancellationToken.None);
        }
        finally
        {
            _console.Out.Flush();
        }

        if (startResident && ResidentSettingsSeen is { Enabled: true } && !ResidentLauncher.IsStarting(endpoint!))
        {
            StartResident(configPath);
        }

        return exitCode;
    }

    private void StartResident(string? configPath)
    {
        try
        {
            ResidentLauncher.Start(configPath);
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            // The answer is given; without a resident process the next call simply runs in its own process again.
            _console.Error.WriteLine($"hostfactory: the resident process could not be started: {exception.Message}");
        }
    }

    /// <summary>Runs a protocol verb: exactly one JSON document on stdout, success or not.</summary>
    public Task<int> RunProtocolVerbAsync(
        string? configPath,
        string verb,
        Func<CliSession, CancellationToken, Task<ProtocolOutcome>> body,
        CancellationToken cancellationToken) =>
        RunVerbAsync(configPath, verb, asJson: true, async (session, ct) =>
        {
            var outcome = await body(session, ct);
            ProtocolJson.Write(_console.Out, outcome.Document);
            return ExitCodes.Success;
        }, cancellationToken);

    /// <summary>Runs an operator verb; on failure <c>{"message"}</c> goes to stdout only in JSON format.</summary>
    public Task<int> RunOperatorVerbAsync(
        ParseResult parseResult,
        string verb,
        Func<CliSession, OutputFormat, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken)
    {
        var format = Format(parseResult);
        return RunVerbAsync(parseResult.GetValue(ConfigOption), verb, format == OutputFormat.Json, (session, ct) => body(session, format, ct), cancellationToken);
    }

    /// <summary>The format asked for, else a table on a terminal and JSON when stdout is redirected.</summary>
    public OutputFormat Format(ParseResult parseResult) =>
        parseResult.GetValue(FormatOption) ?? (_console.IsOutputRedirected ? OutputFormat.Json : OutputFormat.Table);

    /// <summary>The verb as typed, e.g. <c>requests show</c>; empty for the root command.</summary>
    private static string VerbOf(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        return string.Join(' ', names);
    }

    private bool WantsJson(ParseResult parseResult)
    {
        try
        {
            return Format(parseResult) == OutputFormat.Json;
        }
        catch (InvalidOperationException)
        {
            // --format itself did not parse.
            return _console.IsOutputRedirected;
        }
    }

    /// <summary>Runs a verb's body in a session; a failure is reported once, with <c>{"message"}</c> on stdout when <paramref name="asJson"/>.</summary>
    public async Task<int> RunVerbAsync(
        string? configPath,
        string verb,
        bool asJson,
        Func<CliSession, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var session = new CliSession(_console, verb, configPath, _sharedContainer);
        try
        {
            var exitCode = await body(session, cancellationToken);
            if (session.StartedRuntime is { } runtime)
            {
                CliLog.Answered(runtime.Logger, verb, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return exitCode;
        }
        catch (Exception exception)
        {
            var failure = ErrorMapper.Map(exception);
            Report(verb, failure, asJson, session.StartedRuntime, exception);
            return failure.ExitCode;
        }
        finally
        {
            if (session.StartedRuntime is { } runtime)
            {
                ResidentSettingsSeen = runtime.Container.Resident;
            }

            await session.DisposeAsync();
        }
    }

    private void Report(string verb, Failure failure, bool asJson, HostFactoryRuntime? runtime, Exception? exception = null)
    {
        if (asJson)
        {
            ProtocolJson.Write(_console.Out, new MessageAnswer(failure.Message));
        }

        // The log gets the record (with the stack trace when unexpected) only when it is a file: on stderr it would
        // repeat the reason line below.
        if (runtime is { LogsToFile: true })
        {
            if (failure.IsUnexpected && exception is not null)
            {
                CliLog.FailedUnexpectedly(runtime.Logger, exception, verb, failure.Message);
            }
            else
            {
                CliLog.Failed(runtime.Logger, verb, failure.ExitCode, failure.Message);
            }
        }

        var prefix = verb.Length == 0 ? "hostfactory" : $"hostfactory {verb}";
        var hint = failure.IsUnexpected && runtime is { LogsToFile: true } ? $" (details in {runtime.LogDestination})" : string.Empty;
        _console.Error.WriteLine($"{prefix}: {failure.Message}{hint}");
    }

    /// <summary>
    /// The command tree. Only the verb named on the command line is built when there is one: Host Factory starts a
    /// process per call, and building every operator verb (options, allowed values) would cost each call start-up time.
    /// Help, and anything unrecognised, get the whole tree.
    /// </summary>
    private RootCommand BuildRoot(IReadOnlyList<string> args)
    {
        var root = new RootCommand(
            "hostfactory: a provider plugin for IBM Spectrum Symphony Host Factory. Host Factory runs the protocol verbs "
            + "(getAvailableTemplates, requestMachines, requestReturnMachines, getRequestStatus, getReturnRequests) through the "
            + "scripts 'hostfactory scripts install DIR' writes; operators use the other verbs. See docs/cli.md.");
        root.Options.Add(ConfigOption);
        var verbs = Verbs();
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

    private Dictionary<string, Func<Command>> Verbs()
    {
        var verbs = new Dictionary<string, Func<Command>>(StringComparer.Ordinal);
        foreach (var name in ProtocolVerbs.Names)
        {
            verbs[name] = () => ProtocolVerbs.Create(this, name);
        }

        verbs["templates"] = () => TemplatesVerbs.Create(this);
        verbs["requests"] = () => RequestsVerbs.Create(this);
        verbs["machines"] = () => MachinesVerbs.Create(this);
        verbs["providers"] = () => ProvidersVerbs.Create(this);
        verbs["storage"] = () => StorageVerbs.Create(this);
        verbs["scripts"] = () => ScriptsVerbs.Create(this);
        verbs["demo"] = () => DemoVerb.Create(this);
        verbs[ResidentLauncher.Verb] = () => ResidentServer.CreateCommand(this);
        return verbs;
    }

    /// <summary>The first word that is neither an option nor the value of <c>--config</c>.</summary>
    private static string? VerbName(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == ConfigOptionName)
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
}
