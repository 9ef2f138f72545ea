using HostFactory.Application.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HostFactory.Cli.Telemetry;

/// <summary>
/// OTLP export for the CLI and the resident process, on only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Host
/// Factory runs one short process per call: an unconfigured call must not pay for the SDK, so nothing here touches an
/// OpenTelemetry type until <see cref="Start"/> is called (a test checks that no OpenTelemetry assembly loads then).
/// Everything else (protocol, headers, resource attributes) comes from the standard <c>OTEL_*</c> variables.
/// </summary>
internal static class OtlpTelemetry
{
    /// <summary>The variable that switches export on.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The <c>service.name</c> unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string DefaultServiceName = "hostfactory-cli";

    /// <summary>True when <see cref="EndpointVariable"/> is set.</summary>
    public static bool IsConfigured(Func<string, string?> environment) => !string.IsNullOrWhiteSpace(environment(EndpointVariable));

    /// <summary>Starts exporting Host Factory's traces and metrics; disposing flushes what is left and stops.</summary>
    public static IDisposable Start(Func<string, string?> environment)
    {
        var resource = ResourceBuilder.CreateDefault().AddService(environment("OTEL_SERVICE_NAME") is { Length: > 0 } name ? name : DefaultServiceName);
        var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(HostFactoryDiagnostics.SourceNames).AddOtlpExporter().Build();
        var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(HostFactoryDiagnostics.MeterNames).AddOtlpExporter().Build();
        return new Providers(tracing, metrics);
    }

    private sealed class Providers(TracerProvider tracing, MeterProvider metrics) : IDisposable
    {
        public void Dispose()
        {
            // Disposing exports what is buffered: the spans of this call and its measurements.
            tracing.Dispose();
            metrics.Dispose();
        }
    }
}
