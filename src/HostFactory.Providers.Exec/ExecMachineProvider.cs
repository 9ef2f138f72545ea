using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;
using Microsoft.Extensions.Logging;

namespace HostFactory.Providers.Exec;

/// <summary>
/// Drives an external program (a script around a cloud CLI, for example): each call runs
/// <c>&lt;program&gt; &lt;arguments…&gt; &lt;operation&gt;</c> with a JSON request on stdin and reads one JSON answer
/// from stdout. Exit code 0 means the answer is on stdout; 75 (EX_TEMPFAIL) means "try again" and is
/// retried by the host; any other code is a provider error carrying the program's message or stderr tail.
/// Invalid JSON is reported as such. The program's whole process tree is killed when it outlives the timeout.
/// A provision carries its idempotency key (<c>key</c> on stdin, <c>HOSTFACTORY_PROVISION_KEY</c> in the environment),
/// which the program should honour; the optional <c>held</c> operation lists what the program holds. While the call
/// is traced, <c>TRACEPARENT</c> (and <c>TRACESTATE</c>) carry its W3C trace context, so the program can join the trace.
/// </summary>
[MachineProvider(BuiltInTypeName, OptionsType = typeof(ExecProviderOptions))]
public sealed class ExecMachineProvider : IMachineProvider
{
    /// <summary>The provider type name.</summary>
    public const string BuiltInTypeName = "exec";

    /// <summary>The exit code (EX_TEMPFAIL from sysexits.h) by which a program says "transient failure, try again".</summary>
    public const int TransientExitCode = 75;

    private readonly ProviderContext _context;
    private readonly ExecProviderOptions _options;
    private readonly ILogger _logger;
    private readonly string _workingDirectory;
    private readonly string _program;

    /// <summary>Creates the provider for one configured instance.</summary>
    /// <exception cref="DirectoryNotFoundException">The working directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">The program is given as a path that does not exist.</exception>
    public ExecMachineProvider(ProviderContext context, ExecProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        _context = context;
        _options = options;
        _logger = context.LoggerFactory.CreateLogger<ExecMachineProvider>();
        _workingDirectory = context.ResolvePath(options.WorkingDirectory ?? ".");
        if (!Directory.Exists(_workingDirectory))
        {
            throw new DirectoryNotFoundException($"The exec working directory '{_workingDirectory}' does not exist.");
        }

        // A program given as a path is taken from the working directory; a bare name is looked up on PATH.
        _program = options.Program.Contains('/', StringComparison.Ordinal) ? Path.GetFullPath(options.Program, _workingDirectory) : options.Program;
        if (_program.Contains('/', StringComparison.Ordinal) && !File.Exists(_program))
        {
            throw new FileNotFoundException($"The exec program '{_program}' does not exist.", _program);
        }
    }

    /// <inheritdoc/>
    public async Task<ProvisionResult> ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ProvisionAnswer answer;
        try
        {
            answer = await RunAsync(ExecOperations.Provision, ExecRequests.Provision(_context, request), ExecJsonContext.Default.ProvisionAnswer, cancellationToken, request.Key);
        }
        catch (TimeoutException exception)
        {
            // Not retried: the program may have made machines before it hung. A program that honours the key answers a
            // later call under it with those; one that does not would make more.
            return ProvisionResult.Failure($"{exception.Message} Machines it may have made before that are unknown to HostFactory until a call under key {request.Key} or its 'held' operation reports them; check the provider.");
        }
        catch (TransientProviderException)
        {
            throw;
        }
        catch (MachineProviderException exception)
        {
            return ProvisionResult.Failure(exception.Message);
        }

        var made = new List<ProvisionedMachine>();
        var problems = new List<string>();
        var entries = answer.Machines ?? [];
        for (var i = 0; i < entries.Count; i++)
        {
            if (ToMachine(entries[i], out var problem) is { } machine)
            {
                made.Add(machine);
            }
            else
            {
                problems.Add($"machines[{i}] {problem}");
            }
        }

        if (problems.Count > 0)
        {
            var message = $"{Label(ExecOperations.Provision)} returned invalid machines: {string.Join("; ", problems)}." + (answer.Message is null ? string.Empty : $" It said: {answer.Message}");
            return made.Count == 0 ? ProvisionResult.Failure(message) : ProvisionResult.Partial(made, message);
        }

        if (made.Count == 0)
        {
            return ProvisionResult.Failure(answer.Message ?? $"{Label(ExecOperations.Provision)} made no machines and gave no message.");
        }

        return answer.Message is not null || made.Count < request.Count
            ? ProvisionResult.Partial(made, answer.Message ?? $"{Label(ExecOperations.Provision)} made {made.Count} of {request.Count} machines without saying why.")
            : ProvisionResult.Success(made);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Runs the optional <c>held</c> operation when the settings say the program implements it
    /// (<see cref="ExecProviderOptions.ListHeld"/>); otherwise answers that the provider cannot list.
    /// </remarks>
    public async Task<HeldMachines> ListHeldAsync(RequestId? requestId, CancellationToken cancellationToken)
    {
        if (!_options.ListHeld)
        {
            return HeldMachines.NotSupported(
                $"exec provider '{_context.InstanceName}': its program is not declared to implement the optional '{ExecOperations.Held}' operation (settings.listHeld).");
        }

        var answer = await RunAsync(ExecOperations.Held, ExecRequests.Held(_context, requestId), ExecJsonContext.Default.ProvisionAnswer, cancellationToken);
        return HeldMachines.Found(Entries(ExecOperations.Held, answer.Machines, entry =>
        {
            if (!ProvisionKey.TryParse(entry.Key, out var key))
            {
                throw Invalid(ExecOperations.Held, $"machine '{entry.MachineId}' has the key '{entry.Key}', which is not a provision key HostFactory gave (req-… or req-….N)");
            }

            return ToMachine(entry, out var problem) is { } machine
                ? new HeldMachine(key, machine)
                : throw Invalid(ExecOperations.Held, $"machine '{entry.MachineId}' {problem}");
        }));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<MachineObservation>> DescribeAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        if (machines.Count == 0)
        {
            return [];
        }

        var answer = await RunAsync(ExecOperations.Describe, ExecRequests.Machines(_context, ExecOperations.Describe, machines), ExecJsonContext.Default.DescribeAnswer, cancellationToken);
        return Entries(ExecOperations.Describe, answer.Machines, entry =>
            MachineStatusWords.TryParse(entry.Status, out var status)
                ? new MachineObservation(Required(ExecOperations.Describe, entry.MachineId), status, entry.Message, entry.Name, entry.PrivateIpAddress, entry.PublicIpAddress)
                : throw Invalid(ExecOperations.Describe, $"machine '{entry.MachineId}' has status '{entry.Status}', which is not one of pending, running, stopping, stopped, shutting-down, terminated, failed, unknown"));
    }

    /// <inheritdoc/>
    public async Task<ReleaseResult> ReleaseAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        if (machines.Count == 0)
        {
            return new ReleaseResult([]);
        }

        var answer = await RunAsync(ExecOperations.Release, ExecRequests.Machines(_context, ExecOperations.Release, machines), ExecJsonContext.Default.ReleaseAnswer, cancellationToken);
        return new ReleaseResult(Entries(ExecOperations.Release, answer.Machines, entry =>
            new MachineReleaseOutcome(
                Required(ExecOperations.Release, entry.MachineId),
                entry.Result switch
                {
                    "released" => ReleaseOutcome.Released,
                    "releasing" => ReleaseOutcome.Releasing,
                    "already-gone" => ReleaseOutcome.AlreadyGone,
                    "failed" => ReleaseOutcome.Failed,
                    _ => throw Invalid(ExecOperations.Release, $"machine '{entry.MachineId}' has result '{entry.Result}', which is not one of released, releasing, already-gone, failed"),
                },
                entry.Message)));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReclaimedMachine>> ListReclaimedAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        if (machines.Count == 0)
        {
            return [];
        }

        var names = machines.GroupBy(static m => m.ProviderMachineId, StringComparer.Ordinal).ToDictionary(static g => g.Key, static g => g.First().HostName, StringComparer.Ordinal);
        var answer = await RunAsync(ExecOperations.Reclaimed, ExecRequests.Machines(_context, ExecOperations.Reclaimed, machines), ExecJsonContext.Default.ReclaimedAnswer, cancellationToken);
        return Entries(ExecOperations.Reclaimed, answer.Machines, entry =>
        {
            var id = Required(ExecOperations.Reclaimed, entry.MachineId);
            return names.TryGetValue(id, out var name)
                ? new ReclaimedMachine(id, name, Math.Max(0, entry.GracePeriod ?? 0))
                : throw Invalid(ExecOperations.Reclaimed, $"machine '{id}' was not asked about");
        });
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ValidateTemplateAsync(TemplateSnapshot template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        var answer = await RunAsync(ExecOperations.Validate, ExecRequests.Validate(_context, template), ExecJsonContext.Default.ValidateAnswer, cancellationToken);
        return answer.Errors?.Where(static e => !string.IsNullOrWhiteSpace(e)).Select(static e => e!).ToArray() ?? [];
    }

    private async Task<T> RunAsync<T>(string operation, string request, JsonTypeInfo<T> answerType, CancellationToken cancellationToken, ProvisionKey? key = null)
        where T : class
    {
        string[] argv = [_program, .. _options.Arguments, operation];
        var environment = new Dictionary<string, string>(_options.Environment, StringComparer.Ordinal)
        {
            ["HOSTFACTORY_PROVIDER_NAME"] = _context.InstanceName,
            ["HOSTFACTORY_PROVIDER_STATE_DIR"] = _context.StateDirectory,
            ["HOSTFACTORY_OPERATION"] = operation,
        };
        if (key is { } provisionKey)
        {
            environment["HOSTFACTORY_PROVISION_KEY"] = provisionKey.Value;
        }

        // W3C trace context (the variables OpenTelemetry's environment carriers read), so the program's own spans join the call's trace.
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent } current)
        {
            environment["TRACEPARENT"] = traceParent;
            if (current.TraceStateString is { Length: > 0 } traceState)
            {
                environment["TRACESTATE"] = traceState;
            }
        }

        ExecLog.Running(_logger, _context.InstanceName, operation, _program);
        var result = await ExternalCommand.RunAsync(argv, request, TimeSpan.FromSeconds(_options.TimeoutSeconds), cancellationToken, _workingDirectory, environment);
        if (result.ExitCode != 0)
        {
            var said = TryReadMessage(result.StandardOutput);
            var message = $"{Label(operation)} exited with code {result.ExitCode}"
                + (said is null ? string.Empty : $": {said}")
                + (result.StandardError.Length == 0 ? string.Empty : $" (stderr: {result.StandardErrorTail(1000)})");
            throw result.ExitCode == TransientExitCode ? new TransientProviderException(message) : new MachineProviderException(message);
        }

        T? answer;
        try
        {
            answer = JsonSerializer.Deserialize(result.StandardOutput, answerType);
        }
        catch (JsonException exception)
        {
            throw new MachineProviderException($"{Label(operation)}: provider returned invalid JSON: {exception.Message} Output began: {Shorten(result.StandardOutput)}", exception);
        }

        return answer ?? throw Invalid(operation, "the answer is null, not a JSON object");
    }

    private IReadOnlyList<TOut> Entries<TIn, TOut>(string operation, List<TIn?>? entries, Func<TIn, TOut> convert)
        where TIn : class =>
        entries is null
            ? throw Invalid(operation, "'machines' is missing")
            : entries.Select((entry, i) => entry is null ? throw Invalid(operation, $"machines[{i}] is null") : convert(entry)).ToArray();

    private string Required(string operation, string? machineId) =>
        string.IsNullOrWhiteSpace(machineId) ? throw Invalid(operation, "an entry has no 'machineId'") : machineId;

    private MachineProviderException Invalid(string operation, string problem) =>
        new($"{Label(operation)} returned an invalid answer: {problem}.");

    private string Label(string operation) => $"exec provider '{_context.InstanceName}': '{_program}' {operation}";

    private ProvisionedMachine? ToMachine(ProvisionedAnswer? entry, out string? problem)
    {
        problem = entry is null ? "is null"
            : string.IsNullOrWhiteSpace(entry.MachineId) ? "has no 'machineId'"
            : entry.Status is not null && !MachineStatusWords.TryParse(entry.Status, out _) ? $"has the unknown status '{entry.Status}'"
            : null;
        if (problem is not null)
        {
            return null;
        }

        var status = MachineStatusWords.TryParse(entry!.Status, out var parsed) ? parsed : MachineStatus.Pending;
        return new ProvisionedMachine(
            entry.MachineId!,
            entry.Name ?? string.Empty,
            entry.PrivateIpAddress ?? string.Empty,
            entry.PublicIpAddress,
            entry.Launchtime is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : _context.TimeProvider.GetUtcNow(),
            status,
            entry.Data ?? new Dictionary<string, string>(StringComparer.Ordinal),
            entry.InstanceType,
            entry.PriceType,
            entry.CloudHostId,
            entry.Tags);
    }

    private static string? TryReadMessage(string stdout)
    {
        try
        {
            return string.IsNullOrWhiteSpace(stdout) ? null : JsonSerializer.Deserialize(stdout, ExecJsonContext.Default.FailureAnswer)?.Message;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length == 0 ? "(nothing)" : trimmed.Length <= 200 ? trimmed : trimmed[..200] + "...";
    }
}
