using System.Globalization;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;
using HostFactory.Providers.Configuration;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace HostFactory.Providers.Resilience;

/// <summary>
/// Every call to a provider goes through here: a timeout per attempt, bounded retries of transient
/// failures (<see cref="TransientProviderException"/>, <see cref="IOException"/>, <see cref="TimeoutException"/>
/// and, except for provisioning, the attempt timeout itself), and checks of the answer. A provision that
/// fails becomes <see cref="ProvisionResult.Failure"/> with the provider's message; any other call that
/// fails, or any answer that breaks the port's contract, throws <see cref="MachineProviderException"/>
/// naming the instance and the operation. Cancellation by the caller passes through unchanged.
/// </summary>
/// <remarks>
/// Provisioning is not retried after an attempt timed out: the provider may have made machines we
/// never heard about, and a second attempt would make more. Providers throw only when nothing was made,
/// so retrying the other transient failures is safe.
/// </remarks>
internal sealed class ResilientMachineProvider : IMachineProvider
{
    // Carries who is calling what into the retry callback, which the pipelines share across operations.
    private static readonly ResiliencePropertyKey<(ILogger Logger, string Name, string Operation)> LoggingKey = new("hostfactory.provider");

    private readonly IMachineProvider _inner;
    private readonly string _name;
    private readonly string _label;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;
    private readonly ResiliencePipeline _pipeline;
    private readonly ResiliencePipeline _provisionPipeline;

    public ResilientMachineProvider(IMachineProvider inner, ProviderInstanceOptions instance, ILogger logger, TimeProvider? timeProvider = null)
    {
        _inner = inner;
        _name = instance.Name;
        _label = $"Provider '{instance.Name}' ({instance.Type})";
        _logger = logger;
        _timeout = TimeSpan.FromSeconds(instance.TimeoutSeconds);
        _pipeline = Build(instance, retryTimeouts: true, timeProvider);
        _provisionPipeline = Build(instance, retryTimeouts: false, timeProvider);
        LongestCall = (instance.Retries + 1) * _timeout + instance.Retries * LongestRetryDelay(instance);
    }

    /// <summary>The longest one call can take, retries included: every attempt timing out, each pause the longest it can be.</summary>
    public TimeSpan LongestCall { get; }

    public ReportedMachineId ReportedMachineId => _inner.ReportedMachineId;

    public async Task<ProvisionResult> ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        const string Operation = "provision";
        ProvisionResult? result;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(LoggingKey, (_logger, _name, Operation));
        try
        {
            result = await _provisionPipeline.ExecuteAsync(
                static async (ctx, state) => await state.Inner.ProvisionAsync(state.Request, ctx.CancellationToken),
                context,
                (Inner: _inner, Request: request));
        }
        catch (Exception exception) when (!IsCallerCancellation(exception, cancellationToken))
        {
            var message = Explain(Operation, exception);
            ProvidersLog.CallFailed(_logger, exception, _name, Operation, message);
            return ProvisionResult.Failure(message);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        return await CheckProvisionAsync(request, result, cancellationToken);
    }

    public Task<IReadOnlyList<MachineObservation>> DescribeAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        return RunAsync(
            "describe",
            machines,
            static (inner, asked, token) => inner.DescribeAsync(asked, token),
            (asked, answer) => CheckOnePerMachine(asked, answer, static o => o?.ProviderMachineId, static o =>
                o is null ? "an observation is null"
                : !Enum.IsDefined(o.Status) ? $"machine '{o.ProviderMachineId}' has the undefined status {(int)o.Status}"
                : null),
            cancellationToken);
    }

    public async Task<ReleaseResult> ReleaseAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        var outcomes = await RunAsync(
            "release",
            machines,
            static async (inner, asked, token) => (IReadOnlyList<MachineReleaseOutcome>)((await inner.ReleaseAsync(asked, token))?.Outcomes!),
            (asked, answer) => CheckOnePerMachine(asked, answer, static o => o?.ProviderMachineId, static o =>
                o is null ? "an outcome is null"
                : !Enum.IsDefined(o.Outcome) ? $"machine '{o.ProviderMachineId}' has the undefined outcome {(int)o.Outcome}"
                : o.Outcome == ReleaseOutcome.Failed && string.IsNullOrWhiteSpace(o.Message) ? $"machine '{o.ProviderMachineId}' failed to release without saying why"
                : null),
            cancellationToken);
        return new ReleaseResult(outcomes);
    }

    public Task<IReadOnlyList<ReclaimedMachine>> ListReclaimedAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        return RunAsync(
            "list reclaimed machines",
            machines,
            static (inner, asked, token) => inner.ListReclaimedAsync(asked, token),
            (asked, answer) =>
            {
                var known = asked.Select(static m => m.ProviderMachineId).ToHashSet(StringComparer.Ordinal);
                return answer.Select(static r =>
                        r is null ? "an entry is null"
                        : r.GracePeriodSeconds < 0 ? $"machine '{r.ProviderMachineId}' has a negative grace period"
                        : null)
                    .Concat(answer.Where(r => r is not null && !known.Contains(r.ProviderMachineId)).Select(static r => $"machine '{r.ProviderMachineId}' was not asked about"))
                    .FirstOrDefault(static p => p is not null);
            },
            cancellationToken);
    }

    public async Task<HeldMachines> ListHeldAsync(RequestId? requestId, CancellationToken cancellationToken)
    {
        var operation = requestId is { } id ? $"list the machines of request {id}" : "list the machines it holds";
        HeldMachines? held = null;
        var machines = await RunAsync(
            operation,
            requestId,
            async (inner, asked, token) => (held = await inner.ListHeldAsync(asked, token))?.Machines!,
            (asked, answer) => answer
                .Select(h =>
                    h?.Machine is null ? "an entry is null"
                    : string.IsNullOrWhiteSpace(h.Machine.ProviderMachineId) ? "an entry has no provider machine id"
                    : h.Key.RequestId.Value is null ? $"machine '{h.Machine.ProviderMachineId}' has no key"
                    : asked is { } wanted && h.Key.RequestId != wanted ? $"machine '{h.Machine.ProviderMachineId}' was made for {h.Key.RequestId}, not for the request asked about"
                    : null)
                .FirstOrDefault(static p => p is not null),
            cancellationToken);
        return held is { IsSupported: false } ? held : HeldMachines.Found(machines);
    }

    public async Task<IReadOnlyList<string>> ValidateTemplateAsync(TemplateSnapshot template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        var problems = await RunAsync(
            "validate template",
            template,
            static (inner, asked, token) => inner.ValidateTemplateAsync(asked, token),
            static (_, answer) => null,
            cancellationToken);
        return [.. problems.Where(static p => !string.IsNullOrWhiteSpace(p))];
    }

    private static ResiliencePipeline Build(ProviderInstanceOptions instance, bool retryTimeouts, TimeProvider? timeProvider)
    {
        var builder = new ResiliencePipelineBuilder();
        if (timeProvider is not null)
        {
            builder.TimeProvider = timeProvider;
        }

        if (instance.Retries > 0)
        {
            var transient = new PredicateBuilder()
                .Handle<TransientProviderException>()
                .Handle<IOException>()
                .Handle<TimeoutException>();
            if (retryTimeouts)
            {
                transient.Handle<TimeoutRejectedException>();
            }

            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = instance.Retries,
                Delay = TimeSpan.FromSeconds(instance.RetryDelaySeconds),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = instance.RetryDelaySeconds > 0,

                // Jitter may stretch a pause; the cap keeps LongestCall a true bound.
                MaxDelay = LongestRetryDelay(instance),
                OnRetry = args =>
                {
                    if (args.Context.Properties.TryGetValue(LoggingKey, out var target) && args.Outcome.Exception is { } exception)
                    {
                        ProvidersLog.Retrying(target.Logger, exception, target.Name, target.Operation, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    }

                    return default;
                },
            });
        }

        // The timeout is innermost: it bounds each attempt, not the sum of them.
        return builder.AddTimeout(TimeSpan.FromSeconds(instance.TimeoutSeconds)).Build();
    }

    private static TimeSpan LongestRetryDelay(ProviderInstanceOptions instance) =>
        TimeSpan.FromSeconds(instance.RetryDelaySeconds * Math.Pow(2, instance.Retries));

    private async Task<IReadOnlyList<TAnswer>> RunAsync<TAsked, TAnswer>(
        string operation,
        TAsked asked,
        Func<IMachineProvider, TAsked, CancellationToken, Task<IReadOnlyList<TAnswer>>> call,
        Func<TAsked, IReadOnlyList<TAnswer>, string?> check,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<TAnswer>? answer;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(LoggingKey, (_logger, _name, operation));
        try
        {
            answer = await _pipeline.ExecuteAsync(
                static async (ctx, state) => await state.Call(state.Inner, state.Asked, ctx.CancellationToken),
                context,
                (Inner: _inner, Asked: asked, Call: call));
        }
        catch (Exception exception) when (!IsCallerCancellation(exception, cancellationToken))
        {
            var message = Explain(operation, exception);
            ProvidersLog.CallFailed(_logger, exception, _name, operation, message);
            throw new MachineProviderException(message, exception);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        var problem = answer is null ? "the answer is null" : check(asked, answer);
        if (problem is not null)
        {
            ProvidersLog.InvalidAnswer(_logger, _name, operation, problem);
            throw new MachineProviderException($"{_label} returned an invalid answer to {operation}: {problem}.");
        }

        return answer!;
    }

    private static string? CheckOnePerMachine<T>(
        IReadOnlyList<ProviderMachine> asked,
        IReadOnlyList<T> answer,
        Func<T?, string?> idOf,
        Func<T?, string?> checkEntry)
    {
        if (answer.Select(checkEntry).FirstOrDefault(static p => p is not null) is { } entryProblem)
        {
            return entryProblem;
        }

        var answered = answer.GroupBy(idOf, StringComparer.Ordinal).ToDictionary(static g => g.Key ?? string.Empty, static g => g.Count(), StringComparer.Ordinal);
        if (asked.FirstOrDefault(m => !answered.ContainsKey(m.ProviderMachineId)) is { } missing)
        {
            return $"machine '{missing.ProviderMachineId}' is missing from the answer ({answer.Count} entries for {asked.Count} machines)";
        }

        if (answered.FirstOrDefault(static pair => pair.Value > 1) is { Key: { } twice, Value: > 1 })
        {
            return $"machine '{twice}' is answered more than once";
        }

        var askedIds = asked.Select(static m => m.ProviderMachineId).ToHashSet(StringComparer.Ordinal);
        return answered.Keys.FirstOrDefault(id => !askedIds.Contains(id)) is { } stranger
            ? $"machine '{stranger}' was not asked about"
            : null;
    }

    private async Task<ProvisionResult> CheckProvisionAsync(ProvisionRequest request, ProvisionResult? result, CancellationToken cancellationToken)
    {
        if (result?.Machines is null)
        {
            return Invalid("the answer is null", []);
        }

        var problems = new List<string>();
        var kept = new List<ProvisionedMachine>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < result.Machines.Count; i++)
        {
            var machine = result.Machines[i];
            var problem = machine is null ? "is null"
                : string.IsNullOrWhiteSpace(machine.ProviderMachineId) ? "has no provider machine id"
                : !seen.Add(machine.ProviderMachineId) ? $"repeats the id '{machine.ProviderMachineId}'"
                : machine.ProviderData is null ? $"'{machine.ProviderMachineId}' has no provider data"
                : machine.HostName is null || machine.PrivateIpAddress is null ? $"'{machine.ProviderMachineId}' has a null host name or IP address (use empty while pending)"
                : !Enum.IsDefined(machine.Status) ? $"'{machine.ProviderMachineId}' has the undefined status {(int)machine.Status}"
                : null;
            if (problem is null)
            {
                kept.Add(machine!);
            }
            else
            {
                problems.Add($"machine {i.ToString(CultureInfo.InvariantCulture)} {problem}");
            }
        }

        if (kept.Count > request.Count)
        {
            // More than asked cannot be recorded against the request; give the extras back rather than leak them.
            var extras = kept.Skip(request.Count).ToArray();
            kept.RemoveRange(request.Count, extras.Length);
            problems.Add($"{extras.Length} more machine(s) than the {request.Count} asked for ({string.Join(", ", extras.Select(static m => m.ProviderMachineId))}); {await ReleaseExtrasAsync(request, extras, cancellationToken)}");
        }

        if (problems.Count > 0)
        {
            return Invalid(string.Join("; ", problems), kept, result.Error);
        }

        return result.Error is null && kept.Count < request.Count
            ? ProvisionResult.Partial(kept, $"{_label} made {kept.Count} of {request.Count} machines without saying why.")
            : result;
    }

    private async Task<string> ReleaseExtrasAsync(ProvisionRequest request, IReadOnlyList<ProvisionedMachine> extras, CancellationToken cancellationToken)
    {
        try
        {
            var asked = extras.Select(m => new ProviderMachine(MachineId.New(), m.ProviderMachineId, m.HostName, m.ProviderData)).ToArray();
            await ReleaseAsync(asked, cancellationToken);
            return "they were released";
        }
        catch (MachineProviderException exception)
        {
            return $"releasing them failed ({exception.Message}); release them by hand (request {request.RequestId})";
        }
    }

    private ProvisionResult Invalid(string problem, IReadOnlyList<ProvisionedMachine> kept, string? providerError = null)
    {
        ProvidersLog.InvalidAnswer(_logger, _name, "provision", problem);
        var message = $"{_label} returned an invalid answer to provision: {problem}." + (providerError is null ? string.Empty : $" The provider also said: {providerError}");
        return ProvisionResult.Partial(kept, message);
    }

    private string Explain(string operation, Exception exception) => exception switch
    {
        TimeoutRejectedException => $"{_label} did not finish {operation} within {_timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.",
        MachineProviderException => $"{_label} failed to {operation}: {exception.Message}",
        _ => $"{_label} failed to {operation}: {exception.GetType().Name}: {exception.Message}",
    };

    private static bool IsCallerCancellation(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested;
}
