using System.Text.Json;
using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Hosting;
using HostFactory.Server.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HostFactory.Server.Health;

/// <summary>The state store answers a read.</summary>
internal sealed class StorageHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var page = await scope.ServiceProvider.GetRequiredService<IQueryBus>().ExecuteAsync(new ListRequests(Limit: 1), cancellationToken);
            return HealthCheckResult.Healthy($"{page.Total} request(s) stored.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The state store cannot be read: {exception.Message}");
        }
    }
}

/// <summary>The reconciler runs its passes on time; a pass that met problems makes it degraded, not unhealthy.</summary>
internal sealed class ReconcilerHealthCheck(HostFactoryReconciler reconciler, TimeProvider clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = reconciler.Options;
        var last = reconciler.LastPass;
        var result = (settings.Enabled, last) switch
        {
            (false, _) => HealthCheckResult.Healthy("Disabled."),
            (true, null) => HealthCheckResult.Healthy("Starting: no pass finished yet."),
            (true, { } pass) when clock.GetUtcNow() - pass.FinishedAt > settings.Interval * 3 =>
                HealthCheckResult.Degraded($"The last pass finished at {pass.FinishedAt:O}, more than three intervals ago."),
            (true, { Problems.Count: > 0 } pass) => HealthCheckResult.Degraded($"The last pass met {pass.Problems.Count} problem(s): {string.Join(" ", pass.Problems.Take(3))}"),
            (true, { } pass) => HealthCheckResult.Healthy($"Last pass at {pass.FinishedAt:O}: {pass.Synced} request(s) synced."),
        };
        return Task.FromResult(result);
    }
}

/// <summary>Writes <c>/health</c> as JSON (source-generated): the overall status and each check's.</summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = new HealthDto(
            Word(report.Status),
            report.Entries.ToDictionary(e => e.Key, e => new HealthCheckDto(Word(e.Value.Status), e.Value.Description), StringComparer.Ordinal));
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, body, ServerJsonContext.Default.HealthDto, context.RequestAborted);
    }

    private static string Word(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
