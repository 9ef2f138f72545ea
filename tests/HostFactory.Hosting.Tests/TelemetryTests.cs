using System.Diagnostics;
using System.Globalization;
using HostFactory.Application.Diagnostics;
using HostFactory.Application.Machines;
using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Requests;
using HostFactory.Providers.Configuration;
using HostFactory.Providers.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace HostFactory.Hosting.Tests;

/// <summary>
/// The HostFactory meter and activity source collected by OpenTelemetry's in-memory exporter over a whole cycle on
/// the built-in <c>local-process</c> provider (real processes): acquire, sync, a reclaim, a return, a census. The
/// template and provider names are this class's own, so measurements of tests running alongside are told apart.
/// </summary>
public sealed class TelemetryTests : IDisposable
{
    private const string Template = "observed";
    private const string Provider = "observed-local";

    private readonly TempDirectory _directory = new();
    private readonly string _marker = "hf-telemetry-" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<int> _pids = [];

    [Fact]
    public async Task AddHostFactory_WhenAWholeCycleRunsUnderOpenTelemetry_ReportsEveryProvisioningMetricAndOneTracePerCall()
    {
        var metrics = new List<Metric>();
        var spans = new List<Activity>();
        using var meterProvider = Sdk.CreateMeterProviderBuilder().AddMeter(HostFactoryDiagnostics.MeterNames).AddInMemoryExporter(metrics).Build();
        using var tracerProvider = Sdk.CreateTracerProviderBuilder().AddSource(HostFactoryDiagnostics.SourceNames).AddInMemoryExporter(spans).Build();

        using var host = Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<TemplateFileImporter>().ImportIfChangedAsync();
        RequestId acquiredId;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var commands = scope.ServiceProvider.GetRequiredService<ICommandBus>();
            var queries = scope.ServiceProvider.GetRequiredService<IQueryBus>();

            var acquired = await commands.ExecuteAsync(new RequestMachines(Template, 3));
            acquired.MachineCount.Should().Be(3, acquired.Message);
            acquiredId = acquired.RequestId;
            await commands.ExecuteAsync(new SyncRequests([acquired.RequestId.Value]));
            var status = (await queries.ExecuteAsync(new GetRequestStatus([acquired.RequestId.Value]))).Single();
            status.Status.Should().Be(HostFactoryWords.Complete, status.Message);
            _pids.AddRange(status.Machines.Select(m => int.Parse(m.Machine.ProviderData["pid"], CultureInfo.InvariantCulture)));

            var reclaimed = status.Machines[0].Machine;
            (await commands.ExecuteAsync(new RecordReclaimedMachines([new ReclaimedMachineReport(reclaimed.Id.Value, "Taken back by the test.")])))
                .Recorded.Should().ContainSingle();
            var returned = await commands.ExecuteAsync(new ReturnMachines([.. status.Machines.Skip(1).Select(m => new MachineReference(m.Machine.HostName))]));
            (await queries.ExecuteAsync(new GetRequestStatus([returned.RequestId.Value]))).Single().Status.Should().Be(HostFactoryWords.Complete);

            var census = await queries.ExecuteAsync(new TakeMachineCensus());
            census.Templates.Single(t => t.TemplateId.Value == Template).CapacityRemaining.Should().Be(4);
        }

        await host.StopAsync();
        meterProvider.ForceFlush().Should().BeTrue();
        tracerProvider.ForceFlush().Should().BeTrue();

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

        // One trace per call: the provider's span sits under the bus dispatch of RequestMachines, which carries the request id.
        var provision = spans.Single(s => s.DisplayName == "provider provision" && Equals(s.GetTagItem(HostFactoryDiagnostics.ProviderTag), Provider));
        provision.GetTagItem(HostFactoryDiagnostics.RequestIdTag).Should().Be(acquiredId.Value);
        var dispatch = spans.Single(s => s.SpanId == provision.ParentSpanId);
        dispatch.Source.Name.Should().Be(CqrsDiagnostics.Name);
        dispatch.DisplayName.Should().Be(nameof(RequestMachines));
        dispatch.GetTagItem(HostFactoryDiagnostics.RequestIdTag).Should().Be(acquiredId.Value);
        spans.Where(s => s.TraceId == dispatch.TraceId && s.Source.Name == HostFactoryDiagnostics.Name && s.DisplayName.StartsWith("store ", StringComparison.Ordinal))
            .Should().NotBeEmpty("the store operations of the call are spans of its trace");
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

    private IHost Build()
    {
        var configFile = _directory.File("config/hostfactory.json", $$"""
            {
              "hostFactory": {
                "storage": { "dataDirectory": "data" },
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
