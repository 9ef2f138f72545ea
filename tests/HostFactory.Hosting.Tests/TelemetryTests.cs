using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HostFactory.Application.Diagnostics;
using HostFactory.Application.Machines;
using HostFactory.Application.Requests;
using HostFactory.Configuration;
using HostFactory.Cqrs;
using HostFactory.Domain.Requests;
using HostFactory.Providers.Testing;
using HostFactory.Storage.Postgres.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace HostFactory.Hosting.Tests;

/// <summary>
/// The HostFactory meter and activity source collected by OpenTelemetry's in-memory exporter over a whole cycle on
/// the built-in <c>local-process</c> provider (real processes): acquire, sync, a reclaim, a return, a census, on the JSON
/// store and on PostgreSQL (when <c>HOSTFACTORY_TEST_POSTGRES</c> names a server). The template and provider names are
/// this class's own, so measurements of tests running alongside are told apart.
/// </summary>
public sealed class TelemetryTests : IDisposable
{
    private const string Template = "observed";
    private const string Provider = "observed-local";

    private readonly TempDirectory _directory = new();
    private readonly string _marker = "hf-telemetry-" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<int> _pids = [];

    [Fact]
    public Task AddHostFactory_WhenAWholeCycleRunsUnderOpenTelemetry_ReportsEveryProvisioningMetricAndOneTracePerCall() =>
        RunCycleAsync("""{ "dataDirectory": "data" }""");

    [PostgresFact]
    public async Task AddHostFactory_WhenAWholeCycleRunsUnderOpenTelemetryOnPostgreSQL_ReportsTheSameMetricsAndSpans()
    {
        await using var database = await TestDatabase.CreateAsync();
        await RunCycleAsync($$"""{ "kind": "postgres", "connectionString": {{JsonSerializer.Serialize(database.ConnectionString)}} }""");
    }

    /// <summary>
    /// Acquires three machines, syncs, reclaims one, returns two and takes a census on the store
    /// <paramref name="storage"/> configures (the <c>hostFactory:storage</c> section); each protocol call runs under
    /// its root span, as the CLI runs it. Then checks every metric and the traces of the calls.
    /// </summary>
    private async Task RunCycleAsync(string storage)
    {
        var metrics = new List<Metric>();
        var spans = new List<Activity>();
        using var meterProvider = Sdk.CreateMeterProviderBuilder().AddMeter(HostFactoryDiagnostics.MeterNames).AddInMemoryExporter(metrics).Build();
        using var tracerProvider = Sdk.CreateTracerProviderBuilder().AddSource(HostFactoryDiagnostics.SourceNames).AddInMemoryExporter(spans).Build();

        using var host = Build(storage);
        await host.StartAsync();
        await host.Services.GetRequiredService<TemplateFileImporter>().ImportIfChangedAsync();
        RequestId acquiredId;
        RequestId returnId;
        var calls = new Dictionary<string, ActivityTraceId>();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var commands = scope.ServiceProvider.GetRequiredService<ICommandBus>();
            var queries = scope.ServiceProvider.GetRequiredService<IQueryBus>();
            async Task<T> CallAsync<T>(string verb, Func<ValueTask<T>> call)
            {
                using var root = HostFactoryDiagnostics.StartCall(verb);
                calls[verb] = root!.TraceId;
                return await call();
            }

            var acquired = await CallAsync("requestMachines", () => commands.ExecuteAsync(new RequestMachines(Template, 3)));
            acquired.MachineCount.Should().Be(3, acquired.Message);
            acquiredId = acquired.RequestId;
            await commands.ExecuteAsync(new SyncRequests([acquired.RequestId.Value]));
            var status = (await CallAsync("getRequestStatus", () => queries.ExecuteAsync(new GetRequestStatus([acquired.RequestId.Value])))).Single();
            status.Status.Should().Be(HostFactoryWords.Complete, status.Message);
            _pids.AddRange(status.Machines.Select(m => int.Parse(m.Machine.ProviderData["pid"], CultureInfo.InvariantCulture)));

            var reclaimed = status.Machines[0].Machine;
            (await commands.ExecuteAsync(new RecordReclaimedMachines([new ReclaimedMachineReport(reclaimed.Id.Value, "Taken back by the test.")])))
                .Recorded.Should().ContainSingle();
            var returned = await CallAsync(
                "requestReturnMachines",
                () => commands.ExecuteAsync(new ReturnMachines([.. status.Machines.Skip(1).Select(m => new MachineReference(m.Machine.HostName))])));
            returnId = returned.RequestId;
            (await queries.ExecuteAsync(new GetRequestStatus([returned.RequestId.Value]))).Single().Status.Should().Be(HostFactoryWords.Complete);

            var census = await queries.ExecuteAsync(new TakeMachineCensus());
            census.Templates.Single(t => t.TemplateId.Value == Template).CapacityRemaining.Should().Be(4);
        }

        await host.StopAsync();
        meterProvider.ForceFlush().Should().BeTrue();
        tracerProvider.ForceFlush().Should().BeTrue();

        ShouldReportEveryMetric(metrics);
        ShouldTraceEveryCall(spans, calls, acquiredId, returnId);
    }

    private static void ShouldReportEveryMetric(List<Metric> metrics)
    {
        var provisioned = Points(metrics, HostFactoryDiagnostics.ProvisionDurationInstrument, (HostFactoryDiagnostics.TemplateTag, Template));
        provisioned.Should().ContainSingle().Which.Tags.Should().Contain(HostFactoryDiagnostics.ProviderTag, Provider);
        provisioned[0].Point.GetHistogramCount().Should().Be(3, "each of the three machines came up once");
        provisioned[0].Point.GetHistogramSum().Should().BeInRange(0, 120, "machines of a local process run within the test's time");

        var finished = Points(metrics, HostFactoryDiagnostics.RequestsFinishedInstrument, (HostFactoryDiagnostics.RequestOutcomeTag, "complete"));
        finished.Should().Contain(p => Equals(p.Tags[HostFactoryDiagnostics.RequestKindTag], "acquire") && Equals(p.Tags.GetValueOrDefault(HostFactoryDiagnostics.TemplateTag), Template) && p.Point.GetSumLong() == 1);
        finished.Where(p => Equals(p.Tags[HostFactoryDiagnostics.RequestKindTag], "return")).Sum(p => p.Point.GetSumLong()).Should().BeGreaterThanOrEqualTo(1);

        var calls = Points(metrics, HostFactoryDiagnostics.ProviderCallDurationInstrument, (HostFactoryDiagnostics.ProviderTag, Provider));
        calls.Select(p => (string)p.Tags[HostFactoryDiagnostics.OperationTag]!).Should().Contain(["provision", "describe", "release"]);
        calls.Should().OnlyContain(p => !p.Tags.ContainsKey(HostFactoryDiagnostics.ErrorTypeTag) && p.Point.GetHistogramCount() >= 1);

        Points(metrics, HostFactoryDiagnostics.MachinesReclaimedInstrument, (HostFactoryDiagnostics.TemplateTag, Template))
            .Should().ContainSingle().Which.Point.GetSumLong().Should().Be(1);

        var byState = Points(metrics, HostFactoryDiagnostics.MachineCountInstrument, (HostFactoryDiagnostics.TemplateTag, Template))
            .ToDictionary(p => (string)p.Tags[HostFactoryDiagnostics.MachineStateTag]!, p => p.Point.GetGaugeLastValueLong());
        byState["terminated"].Should().Be(3, "one machine was reclaimed and two returned");
        byState["running"].Should().Be(0);
        Points(metrics, HostFactoryDiagnostics.CapacityRemainingInstrument, (HostFactoryDiagnostics.TemplateTag, Template))
            .Should().ContainSingle().Which.Point.GetGaugeLastValueLong().Should().Be(4, "maxNumber 4 and no machine active");
    }

    /// <summary>
    /// One trace per protocol call: under its root span the bus dispatch, and under that the provider call and the
    /// store operations, reads and writes, with the request id of the call.
    /// </summary>
    private static void ShouldTraceEveryCall(List<Activity> spans, Dictionary<string, ActivityTraceId> calls, RequestId acquiredId, RequestId returnId)
    {
        var acquire = Trace(spans, calls["requestMachines"], "requestMachines", nameof(RequestMachines));
        var provision = acquire.Single(s => s.DisplayName == "provider provision");
        provision.GetTagItem(HostFactoryDiagnostics.ProviderTag).Should().Be(Provider);
        provision.GetTagItem(HostFactoryDiagnostics.RequestIdTag).Should().Be(acquiredId.Value);
        var dispatch = acquire.Single(s => s.SpanId == provision.ParentSpanId);
        dispatch.DisplayName.Should().Be(nameof(RequestMachines));
        dispatch.GetTagItem(HostFactoryDiagnostics.RequestIdTag).Should().Be(acquiredId.Value);
        StoreSpanNames(acquire).Should().Contain(
            ["store find template", "store lock template capacity", "store count active machines", "store save request", "store save machines"],
            "the acquire reads the template and its room before it writes the request and its machines");
        acquire.Where(s => s.DisplayName == "store find template").Should().OnlyContain(s => Equals(s.GetTagItem(HostFactoryDiagnostics.TemplateTag), Template));
        acquire.Where(s => s.DisplayName is "store save request" or "store save machines")
            .Should().OnlyContain(s => Equals(s.GetTagItem(HostFactoryDiagnostics.RequestIdTag), acquiredId.Value));

        var status = Trace(spans, calls["getRequestStatus"], "getRequestStatus", nameof(GetRequestStatus));
        StoreSpanNames(status).Should().Contain(["store get request", "store get machines by request"], "a status answer is read from the store");
        status.Where(s => s.DisplayName is "store get request" or "store get machines by request")
            .Should().OnlyContain(s => Equals(s.GetTagItem(HostFactoryDiagnostics.RequestIdTag), acquiredId.Value));

        var returning = Trace(spans, calls["requestReturnMachines"], "requestReturnMachines", nameof(ReturnMachines));
        StoreSpanNames(returning).Should().Contain(
            ["store get machines by host name", "store find machine", "store save request", "store save machine"],
            "a return finds its machines by host name, then records the return on each");
        returning.Where(s => s.DisplayName == "store save request")
            .Should().OnlyContain(s => Equals(s.GetTagItem(HostFactoryDiagnostics.RequestIdTag), returnId.Value));
        returning.Where(s => s.DisplayName == "store find machine")
            .Should().OnlyContain(s => Equals(s.GetTagItem(HostFactoryDiagnostics.RequestIdTag), acquiredId.Value), "a machine found by its id carries its request's id");
    }

    /// <summary>
    /// The spans of one call's trace, checked to hang together: one root <c>hostfactory {verb}</c> with no parent, the
    /// bus dispatch of <paramref name="message"/> right under it, and every other span under the dispatch.
    /// </summary>
    private static List<Activity> Trace(List<Activity> spans, ActivityTraceId traceId, string verb, string message)
    {
        var trace = spans.Where(s => s.TraceId == traceId).ToList();
        var root = trace.Should().ContainSingle(s => s.ParentSpanId == default).Subject;
        root.DisplayName.Should().Be($"hostfactory {verb}");
        root.Kind.Should().Be(ActivityKind.Server);
        var dispatch = trace.Should().ContainSingle(s => s.ParentSpanId == root.SpanId).Subject;
        dispatch.Source.Name.Should().Be(CqrsDiagnostics.Name);
        dispatch.DisplayName.Should().Be(message);

        var byId = trace.ToDictionary(s => s.SpanId);
        foreach (var span in trace.Where(s => s != root && s != dispatch))
        {
            var ancestor = span;
            while (ancestor.ParentSpanId != dispatch.SpanId)
            {
                byId.Should().ContainKey(ancestor.ParentSpanId, $"'{span.DisplayName}' hangs under the dispatch of {message}");
                ancestor = byId[ancestor.ParentSpanId];
            }
        }

        return trace;
    }

    private static List<string> StoreSpanNames(List<Activity> trace)
    {
        var store = trace.Where(s => s.DisplayName.StartsWith("store ", StringComparison.Ordinal)).ToList();
        store.Should().OnlyContain(s => s.Source.Name == HostFactoryDiagnostics.Name && s.Kind == ActivityKind.Internal && s.Status != ActivityStatusCode.Error);
        return [.. store.Select(s => s.DisplayName)];
    }

    public void Dispose()
    {
        foreach (var pid in _pids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                if (File.ReadAllText($"/proc/{pid}/cmdline").Contains(_marker, StringComparison.Ordinal))
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or IOException)
            {
                // Exited in between.
            }
        }

        _directory.Dispose();
    }

    /// <summary>The points of <paramref name="instrument"/> whose tags include <paramref name="filter"/>, with their tags.</summary>
    private static List<(MetricPoint Point, Dictionary<string, object?> Tags)> Points(List<Metric> metrics, string instrument, (string Key, string Value) filter)
    {
        var found = new List<(MetricPoint, Dictionary<string, object?>)>();
        foreach (var metric in metrics.Where(m => m.Name == instrument))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                if (Equals(tags.GetValueOrDefault(filter.Key), filter.Value))
                {
                    found.Add((point, tags));
                }
            }
        }

        return found;
    }

    private IHost Build(string storage)
    {
        var configFile = _directory.File("config/hostfactory.json", $$"""
            {
              "hostFactory": {
                "storage": {{storage}},
                "providers": [
                  { "name": "{{Provider}}", "type": "local-process", "timeoutSeconds": 30, "retries": 0,
                    "settings": { "graceSeconds": 2, "hostName": "hf-telemetry", "ipAddress": "127.0.0.1" } }
                ]
              }
            }
            """);
        _directory.File("config/templates.json", $$"""
            {
              "templates": [
                { "templateId": "{{Template}}", "maxNumber": 4, "providerName": "{{Provider}}",
                  "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "1"], "nram": ["Numeric", "256"] },
                  "command": ["/bin/sh", "-c", "while :; do sleep 1; done", "{{_marker}}"] }
              ]
            }
            """);
        var paths = HostFactoryPathResolver.Resolve(static _ => null, configFile, Path.Combine(_directory.Path, "config"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _directory.Path });
        builder.Configuration.AddJsonFile(paths.ConfigurationFile, optional: false, reloadOnChange: false);
        builder.Services.AddHostFactory(builder.Configuration, paths);
        return builder.Build();
    }
}
