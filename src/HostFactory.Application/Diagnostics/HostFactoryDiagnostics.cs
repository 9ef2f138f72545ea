using System.Diagnostics;
using System.Diagnostics.Metrics;
using HostFactory.Cqrs;

namespace HostFactory.Application.Diagnostics;

/// <summary>
/// What Host Factory reports about provisioning: a <see cref="Meter"/> and an <see cref="ActivitySource"/>, both named
/// <see cref="Name"/>, built on <c>System.Diagnostics</c> only. A host subscribes with OpenTelemetry
/// (<c>AddMeter(HostFactoryDiagnostics.MeterNames)</c>, <c>AddSource(HostFactoryDiagnostics.SourceNames)</c>) or a
/// <see cref="MeterListener"/> / <see cref="ActivityListener"/>, and chooses its exporters. Nothing is measured while
/// nobody listens. docs/observability.md describes every instrument and span.
/// </summary>
public static class HostFactoryDiagnostics
{
    /// <summary>The name of the meter and the activity source.</summary>
    public const string Name = "HostFactory";

    /// <summary>Every meter Host Factory reports on: this one and the bus's (<see cref="CqrsDiagnostics.Name"/>).</summary>
    public static readonly string[] MeterNames = [Name, CqrsDiagnostics.Name];

    /// <summary>Every activity source Host Factory traces with: this one and the bus's.</summary>
    public static readonly string[] SourceNames = [Name, CqrsDiagnostics.Name];

    /// <summary>Histogram, seconds: from an acquire request being made to one of its machines running.</summary>
    public const string ProvisionDurationInstrument = "hostfactory.machine.provision.duration";

    /// <summary>Gauge, machines: machines per template and state, as the last census counted them.</summary>
    public const string MachineCountInstrument = "hostfactory.machine.count";

    /// <summary>Gauge, machines: how many more machines a template may have (templates with a limit only).</summary>
    public const string CapacityRemainingInstrument = "hostfactory.template.capacity.remaining";

    /// <summary>Counter, requests: requests that reached a final status, by kind and outcome.</summary>
    public const string RequestsFinishedInstrument = "hostfactory.requests.finished";

    /// <summary>Histogram, seconds: one call to a provider instance; failed calls carry <see cref="ErrorTypeTag"/>.</summary>
    public const string ProviderCallDurationInstrument = "hostfactory.provider.call.duration";

    /// <summary>Counter, machines: machines a provider took back on its own (a spot reclaim, terminated outside Host Factory).</summary>
    public const string MachinesReclaimedInstrument = "hostfactory.machines.reclaimed";

    /// <summary>Tag: the template id.</summary>
    public const string TemplateTag = "hostfactory.template.id";

    /// <summary>Tag: the provider instance name (as configured, e.g. <c>aws-east</c>).</summary>
    public const string ProviderTag = "hostfactory.provider.name";

    /// <summary>Tag: the provider operation (<c>provision</c>, <c>describe</c>, <c>release</c>, …).</summary>
    public const string OperationTag = "hostfactory.provider.operation";

    /// <summary>Tag: a machine's state in the protocol's words (<c>running</c>, <c>terminated</c>, …).</summary>
    public const string MachineStateTag = "hostfactory.machine.state";

    /// <summary>Tag: a request's kind, <c>acquire</c> or <c>return</c>.</summary>
    public const string RequestKindTag = "hostfactory.request.kind";

    /// <summary>Tag: how a request ended: <c>complete</c>, <c>complete_with_error</c>, <c>timed_out</c>, <c>cancelled</c> or <c>failed</c>.</summary>
    public const string RequestOutcomeTag = "hostfactory.request.outcome";

    /// <summary>Span attribute: the request id (<c>req-…</c>, <c>ret-…</c>) a call made or worked on.</summary>
    public const string RequestIdTag = "hostfactory.request.id";

    /// <summary>Tag (OpenTelemetry's <c>error.type</c>): why a call failed, set only on failures.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>
    /// Starts the root span of one protocol call or operator verb, <c>hostfactory {verb}</c>, so every span of the call
    /// (the dispatches, the store operations, the provider calls) is in one trace; null while nobody traces. Dispose it
    /// when the call ends.
    /// </summary>
    /// <param name="verb">The verb, e.g. <c>requestMachines</c>.</param>
    public static Activity? StartCall(string verb) => Source.StartActivity($"hostfactory {verb}", ActivityKind.Server);

    internal static readonly ActivitySource Source = new(Name, typeof(HostFactoryDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(Name, typeof(HostFactoryDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Histogram<double> ProvisionDuration = Meter.CreateHistogram<double>(
        ProvisionDurationInstrument, unit: "s", description: "Time from an acquire request being made to one of its machines running.");

    internal static readonly Gauge<long> MachineCount = Meter.CreateGauge<long>(
        MachineCountInstrument, unit: "{machine}", description: "Machines per template and state, as the last census counted them.");

    internal static readonly Gauge<long> CapacityRemaining = Meter.CreateGauge<long>(
        CapacityRemainingInstrument, unit: "{machine}", description: "How many more machines a template with a limit may have now.");

    internal static readonly Counter<long> RequestsFinished = Meter.CreateCounter<long>(
        RequestsFinishedInstrument, unit: "{request}", description: "Requests that reached a final status, by kind and outcome.");

    internal static readonly Histogram<double> ProviderCallDuration = Meter.CreateHistogram<double>(
        ProviderCallDurationInstrument, unit: "s", description: "Duration of one call to a provider instance; failed calls carry error.type.");

    internal static readonly Counter<long> MachinesReclaimed = Meter.CreateCounter<long>(
        MachinesReclaimedInstrument, unit: "{machine}", description: "Machines a provider took back on its own.");

    /// <summary>True while someone listens to the census gauges: only then is a census worth its store reads.</summary>
    public static bool CensusWanted => MachineCount.Enabled || CapacityRemaining.Enabled;

    /// <summary>True while someone listens to provider calls, as a metric or a span.</summary>
    internal static bool ProviderCallsWatched => ProviderCallDuration.Enabled || Source.HasListeners();
}
