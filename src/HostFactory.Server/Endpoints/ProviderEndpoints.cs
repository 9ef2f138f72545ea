using HostFactory.Server.Contracts;
using HostFactory.Server.Health;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HostFactory.Server.Endpoints;

/// <summary><c>/api/v1/providers</c>: whether each configured provider instance answers.</summary>
internal static class ProviderEndpoints
{
    public static RouteGroupBuilder MapProviders(this RouteGroupBuilder api)
    {
        api.MapGroup("/providers").WithTags("Providers")
            .MapGet("/health", HealthAsync).WithName("GetProviderHealth")
            .WithSummary("Probes every provider instance (a describe of no machine, within 10 s); 503 when an enabled one does not answer.");
        return api;
    }

    private static async Task<JsonHttpResult<ProviderHealthListDto>> HealthAsync(ProviderProbe probe, CancellationToken cancellationToken)
    {
        var report = await probe.ProbeAsync(cancellationToken);
        return TypedResults.Json(report, ServerJsonContext.Default.ProviderHealthListDto,
            statusCode: report.Status == ProviderProbe.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
