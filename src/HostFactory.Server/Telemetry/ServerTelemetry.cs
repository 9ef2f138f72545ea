using HostFactory.Application.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HostFactory.Server.Telemetry;

/// <summary>
/// The server's OpenTelemetry: Host Factory's meters and activity sources (<see cref="HostFactoryDiagnostics"/>) and
/// ASP.NET Core's (a span per REST request, the bus and provider spans beneath it), scraped as Prometheus text at
/// <see cref="ScrapePath"/> and, when an OTLP endpoint is configured, pushed over OTLP. Everything else OTLP needs
/// (protocol, headers, service name, resource attributes) comes from the standard <c>OTEL_*</c> variables.
/// </summary>
internal static class ServerTelemetry
{
    /// <summary>Where Prometheus scrapes; behind the same rule as every endpoint (loopback, or the bearer token).</summary>
    public const string ScrapePath = "/metrics";

    /// <summary>The <c>service.name</c> unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string DefaultServiceName = "hostfactory-server";

    /// <summary>Registers the tracer and meter providers, the Prometheus exporter, and OTLP when an endpoint is set.</summary>
    /// <param name="services">The server's services.</param>
    /// <param name="configuration">The server's configuration, which holds the environment.</param>
    public static IServiceCollection AddServerTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : DefaultServiceName))
            .WithTracing(tracing => tracing.AddSource(HostFactoryDiagnostics.SourceNames).AddAspNetCoreInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(HostFactoryDiagnostics.MeterNames).AddAspNetCoreInstrumentation().AddPrometheusExporter());

        // Without an endpoint OTLP would push to localhost:4317 and log a failure every interval: an unconfigured
        // server exports only what Prometheus scrapes.
        if (OtlpEndpointConfigured(configuration))
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }

    /// <summary>True when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or the traces' or metrics' own endpoint, is set.</summary>
    public static bool OtlpEndpointConfigured(IConfiguration configuration) =>
        new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT" }
            .Any(name => !string.IsNullOrWhiteSpace(configuration[name]));
}
