using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Diagnostics;

/// <summary>
/// The registry the handlers see: the host's, with every provider it hands out timed and traced
/// (<see cref="HostFactoryDiagnostics.ProviderCallDurationInstrument"/>, a client span per call).
/// </summary>
internal sealed class InstrumentedMachineProviderRegistry(IMachineProviderRegistry inner) : IMachineProviderRegistry
{
    private readonly ConcurrentDictionary<string, InstrumentedMachineProvider> _wrapped = new(StringComparer.Ordinal);

    public IReadOnlyList<string> ProviderNames => inner.ProviderNames;

    public IMachineProvider Get(string providerName) => Wrap(providerName, inner.Get(providerName));

    public bool TryGet(string providerName, [MaybeNullWhen(false)] out IMachineProvider provider)
    {
        if (!inner.TryGet(providerName, out var found))
        {
            provider = null;
            return false;
        }

        provider = Wrap(providerName, found);
        return true;
    }

    public TimeSpan LongestCall(string providerName) => inner.LongestCall(providerName);

    private InstrumentedMachineProvider Wrap(string name, IMachineProvider provider)
    {
        var wrapped = _wrapped.GetOrAdd(name, static (name, provider) => new InstrumentedMachineProvider(name, provider), provider);

        // A registry may hand out a new instance for a name (a test's fake registry): wrap what it gives now.
        return ReferenceEquals(wrapped.Inner, provider) ? wrapped : new InstrumentedMachineProvider(name, provider);
    }
}

/// <summary>
/// One provider instance, timed and traced: each call records <see cref="HostFactoryDiagnostics.ProviderCallDuration"/>
/// and runs in a client span <c>provider {operation}</c>. A failed call carries <c>error.type</c>: the exception's type
/// name, <c>timeout</c> (cancelled though the caller was not), <c>cancelled</c> (by the caller), or
/// <c>provider_error</c> (the provider answered with an error). Nothing is measured while nobody listens.
/// </summary>
internal sealed class InstrumentedMachineProvider(string name, IMachineProvider inner) : IMachineProvider
{
    public IMachineProvider Inner => inner;

    public ReportedMachineId ReportedMachineId => inner.ReportedMachineId;

    public Task<ProvisionResult> ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken) =>
        CallAsync("provision", request.RequestId, inner.ProvisionAsync, request, static r => r.Error is null, cancellationToken);

    public Task<HeldMachines> ListHeldAsync(RequestId? requestId, CancellationToken cancellationToken) =>
        CallAsync("list_held", requestId, inner.ListHeldAsync, requestId, static _ => true, cancellationToken);

    public Task<IReadOnlyList<MachineObservation>> DescribeAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken) =>
        CallAsync("describe", null, inner.DescribeAsync, machines, static _ => true, cancellationToken);

    public Task<ReleaseResult> ReleaseAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken) =>
        CallAsync("release", null, inner.ReleaseAsync, machines, static r => r.Outcomes.All(o => o.Outcome != ReleaseOutcome.Failed), cancellationToken);

    public Task<IReadOnlyList<ReclaimedMachine>> ListReclaimedAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken) =>
        CallAsync("list_reclaimed", null, inner.ListReclaimedAsync, machines, static _ => true, cancellationToken);

    public Task<IReadOnlyList<string>> ValidateTemplateAsync(TemplateSnapshot template, CancellationToken cancellationToken) =>
        CallAsync("validate_template", null, inner.ValidateTemplateAsync, template, static _ => true, cancellationToken);

    private Task<T> CallAsync<TArgument, T>(
        string operation,
        RequestId? requestId,
        Func<TArgument, CancellationToken, Task<T>> call,
        TArgument argument,
        Func<T, bool> succeeded,
        CancellationToken cancellationToken) =>
        HostFactoryDiagnostics.ProviderCallsWatched
            ? TimedAsync(operation, requestId, call, argument, succeeded, cancellationToken)
            : call(argument, cancellationToken);

    private async Task<T> TimedAsync<TArgument, T>(
        string operation,
        RequestId? requestId,
        Func<TArgument, CancellationToken, Task<T>> call,
        TArgument argument,
        Func<T, bool> succeeded,
        CancellationToken cancellationToken)
    {
        using var activity = HostFactoryDiagnostics.Source.StartActivity($"provider {operation}", ActivityKind.Client);
        activity?.SetTag(HostFactoryDiagnostics.ProviderTag, name);
        activity?.SetTag(HostFactoryDiagnostics.OperationTag, operation);
        if (requestId is { } id)
        {
            activity?.SetTag(HostFactoryDiagnostics.RequestIdTag, id.Value);
        }

        var started = Stopwatch.GetTimestamp();
        string? error = null;
        try
        {
            var result = await call(argument, cancellationToken);
            error = succeeded(result) ? null : "provider_error";
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error = "cancelled";
            throw;
        }
        catch (OperationCanceledException)
        {
            error = "timeout";
            throw;
        }
        catch (Exception exception)
        {
            error = exception.GetType().FullName ?? exception.GetType().Name;
            throw;
        }
        finally
        {
            Record(activity, operation, error, Stopwatch.GetElapsedTime(started));
        }
    }

    private void Record(Activity? activity, string operation, string? error, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { HostFactoryDiagnostics.ProviderTag, name },
            { HostFactoryDiagnostics.OperationTag, operation },
        };
        if (error is not null)
        {
            tags.Add(HostFactoryDiagnostics.ErrorTypeTag, error);
            activity?.SetTag(HostFactoryDiagnostics.ErrorTypeTag, error);
            activity?.SetStatus(ActivityStatusCode.Error);
        }

        HostFactoryDiagnostics.ProviderCallDuration.Record(elapsed.TotalSeconds, tags);
    }
}
