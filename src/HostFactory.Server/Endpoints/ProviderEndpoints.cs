using HostFactory.Application.Machines;
using HostFactory.Cqrs;
using HostFactory.Server.Contracts;
using HostFactory.Server.Health;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HostFactory.Server.Endpoints;

/// <summary><c>/api/v1/providers</c>: whether each configured provider instance answers, and the machines they hold that no request owns.</summary>
internal static class ProviderEndpoints
{
    public static RouteGroupBuilder MapProviders(this RouteGroupBuilder api)
    {
        api.MapGroup("/providers").WithTags("Providers")
            .MapGet("/health", HealthAsync).WithName("GetProviderHealth")
            .WithSummary("Probes every provider instance (a describe of no machine, within 10 s); 503 when an enabled one does not answer.");
        api.MapGroup("/providers").WithTags("Providers")
            .MapGet("/orphans", OrphansAsync).WithName("ListOrphanMachines")
            .WithSummary("The machines providers hold that no request in the store owns, each with why (?provider=name for one); releases nothing.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status400BadRequest);
        return api;
    }

    private static async Task<Ok<OrphanMachinesDto>> OrphansAsync(IQueryBus queries, CancellationToken cancellationToken, string? provider = null)
    {
        var found = await queries.ExecuteAsync(new ListOrphanMachines(provider), cancellationToken);
        return TypedResults.Ok(new OrphanMachinesDto(
            [.. found.Orphans.Select(o => new OrphanMachineDto(o.ProviderName, o.Key.Value, o.Machine.ProviderMachineId, o.Machine.HostName, o.Machine.PrivateIpAddress, o.Machine.LaunchTime, o.Reason))],
            [.. found.Providers.Select(p => new ProviderHoldingsDto(p.ProviderName, p.Held, p.Problem))]));
    }

    private static async Task<JsonHttpResult<ProviderHealthListDto>> HealthAsync(ProviderProbe probe, CancellationToken cancellationToken)
    {
        var report = await probe.ProbeAsync(cancellationToken);
        return TypedResults.Json(report, ServerJsonContext.Default.ProviderHealthListDto,
            statusCode: report.Status == ProviderProbe.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
