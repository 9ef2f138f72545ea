using System.CommandLine;
using System.Globalization;
using HostFactory.Application.Machines;
using HostFactory.Application.Requests;
using HostFactory.Cli.Commands;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Operator;
using HostFactory.Cli.Protocol;
using HostFactory.Common;
using HostFactory.Configuration;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Hosting.Failures;

namespace HostFactory.Cli.Demo;

/// <summary>
/// <c>hostfactory demo</c>: one whole Host Factory cycle on the shipped configuration, in a fresh work directory:
/// templates, a request for machines, status until they run, their return, status until they are terminated,
/// getReturnRequests. Every protocol answer is printed as Host Factory would read it. Exit code 0 only when the cycle
/// completed and no machine process is left running. The fresh directory (<c>demo-&lt;time&gt;</c>) is made in
/// <c>--work-dir</c>, else <c>HF_PROVIDER_WORKDIR</c>, else the configuration's own work directory when it can be
/// written (the repository's <c>.work/</c> in the quick start), else the user's state directory (see
/// <see cref="DemoWorkDirectory"/>).
/// </summary>
internal static class DemoVerb
{
    public static Command Create(VerbRunner runner, GlobalOptions options)
    {
        var template = new Option<string>("--template") { Description = "The template to request.", DefaultValueFactory = _ => "local-agent" };
        var count = new Option<int>("--count") { Description = "How many machines to request.", DefaultValueFactory = _ => 3 };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for each request to finish.",
            DefaultValueFactory = _ => 120,
            HelpName = "SECONDS",
        };
        var workDir = new Option<string?>("--work-dir")
        {
            Description = "Where to make the demo's fresh directory; default HF_PROVIDER_WORKDIR, else .work beside the configuration "
                + "when writable, else $XDG_STATE_HOME/hostfactory (~/.local/state/hostfactory).",
            HelpName = "DIR",
        };
        var demo = new Command("demo", "Runs a whole Host Factory cycle (templates, request, status, return, status, getReturnRequests) "
            + "with the local-process provider in a fresh work directory, printing every protocol answer.") { template, count, timeout, workDir };
        demo.SetAction((parseResult, ct) => runner.RunAsync(options.ConfigPath(parseResult), "demo", asJson: false, (session, token) =>
            new DemoRun(session, parseResult.GetValue(template)!, parseResult.GetValue(count), TimeSpan.FromSeconds(parseResult.GetValue(timeout)), parseResult.GetValue(workDir))
                .RunAsync(token), ct));
        return demo;
    }

    private sealed class DemoRun(CliSession session, string templateId, int count, TimeSpan timeout, string? workDirectory)
    {
        private readonly TextWriter _out = session.Console.Out;
        private readonly List<string> _machineIds = [];
        private HostFactoryRuntime? _runtime;

        public async Task<int> RunAsync(CancellationToken cancellationToken)
        {
            var paths = DemoPaths(session.ConfigPath, workDirectory);
            _runtime = session.Runtime(paths);
            var operations = new ProtocolOperations(_runtime);
            _out.WriteLine("HostFactory demo: one whole Host Factory cycle, answered exactly as Host Factory would read it.");
            _out.WriteLine($"  configuration:  {paths.ConfigurationFile}");
            _out.WriteLine($"  templates:      {paths.TemplatesFile}");
            _out.WriteLine($"  work directory: {paths.WorkDirectory} (fresh: the store and the machines' folders)");
            _out.WriteLine($"  log:            {_runtime.LogDestination}");
            try
            {
                return await CycleAsync(operations, cancellationToken);
            }
            catch
            {
                await CleanUpAsync(operations);
                throw;
            }
        }

        private async Task<int> CycleAsync(ProtocolOperations operations, CancellationToken cancellationToken)
        {
            Heading(1, "getAvailableTemplates", "{}");
            var templates = await operations.GetAvailableTemplatesAsync(cancellationToken);
            Answer(templates);
            if (!templates.Templates.Any(t => t.TemplateId == templateId))
            {
                throw new CommandFailedException(ExitCodes.Refused, $"Template '{templateId}' is not among the available templates.");
            }

            Heading(2, "requestMachines", $"{{\"template\": {{\"templateId\": \"{templateId}\", \"machineCount\": {count.ToString(CultureInfo.InvariantCulture)}}}}}");
            var requested = await operations.RequestMachinesAsync(templateId, count, cancellationToken);
            Answer(requested.Document);
            if (requested.Document is not RequestAnswer { RequestId: var acquireId })
            {
                throw new CommandFailedException(ExitCodes.InternalError, "requestMachines answered without a requestId.");
            }

            Heading(3, "getRequestStatus (every second, until the request is no longer running)", StatusInput(acquireId));
            var acquired = await WaitAsync(operations, acquireId, cancellationToken);
            _machineIds.AddRange(acquired.Machines.Select(m => m.MachineId));
            if (acquired.Status != HostFactoryWords.Complete)
            {
                throw new CommandFailedException(ExitCodes.ProviderOrStorageFailure, $"Request {acquireId} ended {acquired.Status}: {acquired.Message}");
            }

            var names = acquired.Machines.Select(m => m.Name).ToList();
            Heading(4, "requestReturnMachines (by name, as Host Factory does)",
                $"{{\"machines\": [{string.Join(", ", names.Select(n => $"{{\"name\": \"{n}\"}}"))}]}}");
            var returned = await operations.RequestReturnMachinesAsync(names.Select(n => new MachineReference(n)).ToList(), cancellationToken);
            Answer(returned);

            Heading(5, "getRequestStatus (until the return is complete: result succeed = terminated)", StatusInput(returned.RequestId));
            var released = await WaitAsync(operations, returned.RequestId, cancellationToken);
            if (released.Status != HostFactoryWords.Complete)
            {
                throw new CommandFailedException(ExitCodes.ProviderOrStorageFailure, $"Return {returned.RequestId} ended {released.Status}: {released.Message}");
            }

            Heading(6, "getReturnRequests", "{\"machines\": []}");
            Answer(await operations.GetReturnRequestsAsync([], cancellationToken));

            var alive = await AliveMachinesAsync(cancellationToken);
            if (alive.Count > 0)
            {
                throw new CommandFailedException(ExitCodes.ProviderOrStorageFailure, $"Machine process(es) still running after the return: {string.Join(", ", alive)}.");
            }

            _out.WriteLine();
            _out.WriteLine($"Done: {_machineIds.Count} machine(s) were provisioned, ran, were returned and terminated; no machine process is left.");
            var config = session.ConfigPath is null ? string.Empty : $" --config {ThisProgram.Quote(Path.GetFullPath(session.ConfigPath))}";
            _out.WriteLine($"Look around: HF_PROVIDER_WORKDIR={ThisProgram.Quote(_runtime!.Paths.WorkDirectory)} {ThisProgram.ForPeople()}{config} requests list");
            return ExitCodes.Success;
        }

        private async Task<RequestStatusDocument> WaitAsync(ProtocolOperations operations, string requestId, CancellationToken cancellationToken)
        {
            var entry = await RequestWatcher.WaitAsync(operations, requestId, timeout,
                (status, elapsed) => _out.WriteLine($"  … {RequestWatcher.Describe(status, elapsed)}"), cancellationToken);
            var document = ProtocolMapper.Request(entry);
            Answer(new RequestStatusAnswer([document]));
            return document;
        }

        /// <summary>The machines whose process still runs, by the pid and start time the provider recorded.</summary>
        private async Task<List<string>> AliveMachinesAsync(CancellationToken cancellationToken)
        {
            var alive = new List<string>();
            foreach (var id in _machineIds)
            {
                var machine = await _runtime!.Queries.ExecuteAsync(new GetMachine(id), cancellationToken);
                if (machine is not null
                    && machine.ProviderData.TryGetValue("pid", out var pidText) && int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid)
                    && machine.ProviderData.TryGetValue("startTime", out var startText) && ulong.TryParse(startText, CultureInfo.InvariantCulture, out var startTime)
                    && ProcessLiveness.IsAlive(pid, startTime))
                {
                    alive.Add($"{machine.HostName} (pid {pidText})");
                }
            }

            return alive;
        }

        /// <summary>After a failure, gives back whatever the demo made, so no machine process outlives it.</summary>
        private async Task CleanUpAsync(ProtocolOperations operations)
        {
            try
            {
                var page = await _runtime!.Queries.ExecuteAsync(new ListMachines(Limit: 1000), CancellationToken.None);
                var live = page.Items.Where(m => m.Status.IsActive && m.ReturnRequestId is null).Select(m => new MachineReference(null, m.Id.Value)).ToList();
                if (live.Count > 0)
                {
                    session.Console.Error.WriteLine($"hostfactory demo: returning the {live.Count} machine(s) it made.");
                    await operations.RequestReturnMachinesAsync(live, CancellationToken.None);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                session.Console.Error.WriteLine($"hostfactory demo: could not return its machines: {ErrorMapper.OneLine(exception.Message)}");
            }
        }

        private void Heading(int step, string operation, string input)
        {
            _out.WriteLine();
            _out.WriteLine($"== {step.ToString(CultureInfo.InvariantCulture)}. {operation} ==");
            _out.WriteLine($"input: {input}");
        }

        private void Answer(object document)
        {
            _out.WriteLine("answer:");
            ProtocolJson.Write(_out, document);
            _out.Flush();
        }

        private static string StatusInput(string requestId) => $"{{\"requests\": [{{\"requestId\": \"{requestId}\"}}]}}";

        /// <summary>The shipped configuration (or <c>--config</c>), whatever HF_PROVIDER_CONFDIR says, with a fresh work directory.</summary>
        private static HostFactoryPaths DemoPaths(string? configPath, string? workDirectory)
        {
            var defaults = HostFactoryPathResolver.Resolve(static _ => null, configPath, CliSession.DefaultConfigDirectory);
            var work = DemoWorkDirectory.Create(workDirectory, Environment.GetEnvironmentVariable, defaults.WorkDirectory);
            return defaults with { WorkDirectory = work, LogDirectory = Path.Combine(work, "logs") };
        }
    }
}
