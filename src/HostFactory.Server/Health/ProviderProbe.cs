using System.Diagnostics;
using HostFactory.Domain.Providers;
using HostFactory.Hosting;
using HostFactory.Providers.Configuration;
using HostFactory.Server.Contracts;
using Microsoft.Extensions.Options;

namespace HostFactory.Server.Health;

/// <summary>
/// Asks each configured provider instance a question that costs nothing (describe no machine) within a time limit,
/// and adds what the reconciler's last pass found wrong with it.
/// </summary>
internal sealed class ProviderProbe(
    IMachineProviderRegistry registry,
    IOptions<MachineProvidersOptions> configured,
    TimeProvider clock,
    HostFactoryReconciler? reconciler = null)
{
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";
    public const string Disabled = "disabled";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public async Task<ProviderHealthListDto> ProbeAsync(CancellationToken cancellationToken)
    {
        var instances = configured.Value.Instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var names = registry.ProviderNames.Union(instances.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var problems = reconciler?.LastPass?.Problems ?? [];
        var probes = names.Select(name => ProbeOneAsync(name, instances.GetValueOrDefault(name), problems, cancellationToken));
        var providers = await Task.WhenAll(probes);
        var status = providers.Any(p => p.Status == Unhealthy) ? Unhealthy : Healthy;
        return new ProviderHealthListDto(status, providers);
    }

    private async Task<ProviderHealthDto> ProbeOneAsync(string name, ProviderInstanceOptions? instance, IReadOnlyList<string> problems, CancellationToken cancellationToken)
    {
        var recent = problems.Where(p => p.Contains($"Provider '{name}'", StringComparison.Ordinal)).ToArray();
        if (instance is { Enabled: false })
        {
            return new ProviderHealthDto(name, instance.Type, Disabled, "The instance is disabled in the configuration.", null, recent);
        }

        if (!registry.TryGet(name, out var provider))
        {
            return new ProviderHealthDto(name, instance?.Type, Unhealthy, "The instance is configured but was not loaded.", null, recent);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        var started = clock.GetTimestamp();
        try
        {
            await provider.DescribeAsync([], timeout.Token);
            return new ProviderHealthDto(name, instance?.Type, Healthy, null, Elapsed(started), recent);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            var message = exception is OperationCanceledException ? $"No answer within {Limit.TotalSeconds} s." : exception.Message;
            return new ProviderHealthDto(name, instance?.Type, Unhealthy, message, Elapsed(started), recent);
        }
    }

    private double Elapsed(long started) => Math.Round(clock.GetElapsedTime(started).TotalMilliseconds, 1);
}
