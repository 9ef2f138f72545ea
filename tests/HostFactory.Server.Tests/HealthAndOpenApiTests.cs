namespace HostFactory.Server.Tests;

public sealed class HealthAndOpenApiTests : IDisposable
{
    private readonly ServerFactory _server = new();
    private readonly HttpClient _client;

    public HealthAndOpenApiTests() => _client = _server.Client();

    [Fact]
    public async Task Health_WhenCalledThroughTheTestsClient_CrossesARealLoopbackSocket()
    {
        using var plain = new HttpClient { BaseAddress = _client.BaseAddress };

        var health = await (await plain.GetAsync("/health")).ExpectAsync(200);

        _client.BaseAddress!.Host.Should().Be("127.0.0.1");
        _client.BaseAddress.Port.Should().NotBe(0).And.NotBe(80);
        health.GetProperty("status").GetString().Should().Be("healthy", "a plain HttpClient reaches the server: Kestrel listens, not an in-memory test server");
    }

    [Fact]
    public async Task Health_WhenTheStoreAnswers_IsHealthyWithEachCheck()
    {
        var health = await (await _client.GetAsync("/health")).ExpectAsync(200);

        health.GetProperty("status").GetString().Should().Be("healthy");
        health.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString().Should().Be("healthy");
        health.GetProperty("checks").GetProperty("reconciler").GetProperty("description").GetString().Should().Be("Disabled.");
    }

    [Fact]
    public async Task ProviderHealth_WhenTheProviderAnswers_IsHealthy()
    {
        var report = await (await _client.GetAsync("/api/v1/providers/health")).ExpectAsync(200);

        report.GetProperty("status").GetString().Should().Be("healthy");
        var provider = report.GetProperty("providers").EnumerateArray().Should().ContainSingle().Subject;
        provider.GetProperty("name").GetString().Should().Be("fake");
        provider.GetProperty("type").GetString().Should().Be("fake");
        provider.GetProperty("status").GetString().Should().Be("healthy");
        _server.Provider.DescribeCalls.Should().Be(1);
    }

    [Fact]
    public async Task ProviderHealth_WhenTheProviderFails_Answers503NamingWhy()
    {
        _server.Provider.DescribeThrows = new HttpRequestException("connection refused");

        var report = await (await _client.GetAsync("/api/v1/providers/health")).ExpectAsync(503);

        report.GetProperty("status").GetString().Should().Be("unhealthy");
        report.GetProperty("providers")[0].GetProperty("message").GetString().Should().Be("connection refused");
    }

    [Fact]
    public async Task ProviderHealth_WhenAConfiguredProviderIsNotLoaded_ReportsItUnhealthy()
    {
        _server.Registry.Remove("fake");

        var report = await (await _client.GetAsync("/api/v1/providers/health")).ExpectAsync(503);

        report.GetProperty("providers")[0].GetProperty("message").GetString().Should().Be("The instance is configured but was not loaded.");
    }

    [Fact]
    public async Task OpenApi_WhenRequested_DescribesEveryEndpoint()
    {
        var document = await (await _client.GetAsync("/openapi/v1.json")).ExpectAsync(200);

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        paths.Should().Contain([
            "/api/v1/templates", "/api/v1/templates/{templateId}", "/api/v1/templates/validate",
            "/api/v1/requests", "/api/v1/requests/{requestId}", "/api/v1/requests/status", "/api/v1/requests/{requestId}/cancel",
            "/api/v1/requests/sync", "/api/v1/returns", "/api/v1/machines", "/api/v1/machines/{machineId}", "/api/v1/machines/reclaimed",
            "/api/v1/providers/health",
        ]);
        document.GetProperty("paths").GetProperty("/api/v1/requests").GetProperty("post").GetProperty("operationId").GetString().Should().Be("RequestMachines");
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }
}
