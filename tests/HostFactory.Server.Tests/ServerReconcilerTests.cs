using HostFactory.Hosting;
using HostFactory.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HostFactory.Server.Tests;

/// <summary>The reconciler as the server wires it (settings from hostfactory.json), driven by the test kit's clock.</summary>
public sealed class ServerReconcilerTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(HostFactoryTestHostOptions.DefaultStartTime);
    private readonly ServerFactory _server;

    public ServerReconcilerTests() => _server = new ServerFactory(clock: _clock);

    [Fact]
    public async Task Reconciler_WhenTheIntervalPasses_CompletesARequestWithoutAnyStatusCall()
    {
        using var client = _server.Client();
        var created = await (await client.PostJsonAsync("/api/v1/requests", $$"""{ "templateId": "{{ServerFactory.TemplateId}}", "machineCount": 1 }""")).ExpectAsync(201);
        var requestId = created.GetProperty("requestId").GetString();
        var before = await (await client.GetAsync($"/api/v1/requests/{requestId}?sync=false")).ExpectAsync(200);

        await AdvanceAndWaitAsync(Interval);
        var after = await (await client.GetAsync($"/api/v1/requests/{requestId}?sync=false")).ExpectAsync(200);
        var health = await (await client.GetAsync("/health")).ExpectAsync(200);

        before.GetProperty("status").GetString().Should().Be("running");
        after.GetProperty("status").GetString().Should().Be("complete");
        health.GetProperty("checks").GetProperty("reconciler").GetProperty("description").GetString().Should().StartWith("Last pass at 2025-01-01T08:00:30");
    }

    [Fact]
    public async Task Reconciler_WhenTheProviderCannotBeAsked_ReportsItInProviderHealth()
    {
        using var client = _server.Client();
        await (await client.PostJsonAsync("/api/v1/requests", $$"""{ "templateId": "{{ServerFactory.TemplateId}}", "machineCount": 1 }""")).ExpectAsync(201);
        _server.Provider.DescribeThrows = new HttpRequestException("throttled");

        await AdvanceAndWaitAsync(Interval);
        var health = await (await client.GetAsync("/health")).ExpectAsync(200);
        _server.Provider.DescribeThrows = null;
        var providers = await (await client.GetAsync("/api/v1/providers/health")).ExpectAsync(200);

        health.GetProperty("status").GetString().Should().Be("degraded");
        providers.GetProperty("providers")[0].GetProperty("recentProblems")[0].GetString().Should().StartWith("Provider 'fake' ").And.EndWith("throttled");
    }

    public void Dispose() => _server.Dispose();

    private async Task AdvanceAndWaitAsync(TimeSpan by)
    {
        var reconciler = _server.Services.GetRequiredService<HostFactoryReconciler>();
        var target = _clock.GetUtcNow() + by;
        _clock.Advance(by);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (reconciler.LastPass is not { } pass || pass.StartedAt < target)
        {
            await Task.Delay(5, limit.Token);
        }
    }
}
