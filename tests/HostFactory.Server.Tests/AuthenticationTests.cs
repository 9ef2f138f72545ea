using System.Net.Http.Headers;

namespace HostFactory.Server.Tests;

public sealed class AuthenticationTests : IDisposable
{
    private readonly ServerFactory _server = new(token: ServerFactory.Token);

    [Theory]
    [InlineData("/health")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/api/v1/templates")]
    [InlineData("/api/v1/machines")]
    public async Task AnyCall_WhenATokenIsConfiguredAndNoneIsSent_Answers401Problem(string path)
    {
        using var client = _server.Client(authenticated: false);

        var response = await client.GetAsync(path);
        var problem = await response.ExpectProblemAsync(401);

        response.Headers.WwwAuthenticate.Should().ContainSingle().Which.Scheme.Should().Be("Bearer");
        problem.GetProperty("detail").GetString().Should().Be("A bearer token is required: send 'Authorization: Bearer <token>'.");
    }

    [Theory]
    [InlineData("Bearer", "wrong-token-wrong-token")]
    [InlineData("Bearer", ServerFactory.Token + "x")]
    [InlineData("Basic", ServerFactory.Token)]
    public async Task AnyCall_WhenTheTokenIsWrong_Answers401Problem(string scheme, string token)
    {
        using var client = _server.Client(authenticated: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, token);

        await (await client.GetAsync("/api/v1/templates")).ExpectProblemAsync(401);
        await (await client.PostJsonAsync("/api/v1/requests", $$"""{ "templateId": "{{ServerFactory.TemplateId}}", "machineCount": 1 }""")).ExpectProblemAsync(401);

        _server.Provider.ProvisionCalls.Should().BeEmpty("nothing runs for a caller without the token");
    }

    [Fact]
    public async Task AnyCall_WhenTheTokenIsRight_IsServed()
    {
        using var client = _server.Client();

        await (await client.GetAsync("/health")).ExpectAsync(200);
        await (await client.PostJsonAsync("/api/v1/requests", $$"""{ "templateId": "{{ServerFactory.TemplateId}}", "machineCount": 1 }""")).ExpectAsync(201);
    }

    [Fact]
    public async Task AnyCall_WhenNoTokenIsConfigured_IsServedWithoutOne()
    {
        using var open = new ServerFactory();
        using var client = open.Client(authenticated: false);

        await (await client.GetAsync("/api/v1/templates")).ExpectAsync(200);
    }

    public void Dispose() => _server.Dispose();
}
