namespace HostFactory.Server.Tests;

public sealed class TemplateEndpointsTests : IDisposable
{
    private const string Template = """
        { "templateId": "api-made", "providerName": "fake", "maxNumber": 2,
          "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "2"], "nram": ["Numeric", "2048"] },
          "requestTimeoutSeconds": 600, "imageId": "img-9", "tags": { "team": "hpc" } }
        """;

    private readonly ServerFactory _server = new();

    [Fact]
    public async Task ListTemplates_WhenTheTemplatesFileWasImported_ListsItWithItsLiveNumbers()
    {
        var list = await (await _server.Client().GetAsync("/api/v1/templates")).ExpectAsync(200);

        var template = list.EnumerateArray().Should().ContainSingle().Subject;
        template.GetProperty("templateId").GetString().Should().Be(ServerFactory.TemplateId);
        template.GetProperty("maxNumber").GetInt32().Should().Be(3);
        template.GetProperty("availableNumber").GetInt32().Should().Be(3);
        template.GetProperty("attributes").GetProperty("nram").EnumerateArray().Select(v => v.GetString()).Should().Equal("Numeric", "1024");
        template.GetProperty("imageId").GetString().Should().Be("img-1", "provider settings travel as fields of the template");
    }

    [Fact]
    public async Task ListTemplates_WhenEnabledOnly_LeavesDisabledOnesOut()
    {
        var client = _server.Client();
        (await client.PostJsonAsync("/api/v1/templates", Template.Replace("\"maxNumber\": 2,", "\"maxNumber\": 2, \"enabled\": false,", StringComparison.Ordinal))).EnsureSuccessStatusCode();

        var all = await (await client.GetAsync("/api/v1/templates")).ExpectAsync(200);
        var enabled = await (await client.GetAsync("/api/v1/templates?enabledOnly=true")).ExpectAsync(200);

        all.GetArrayLength().Should().Be(2);
        enabled.EnumerateArray().Select(t => t.GetProperty("templateId").GetString()).Should().Equal(ServerFactory.TemplateId);
    }

    [Fact]
    public async Task CreateTemplate_WhenValid_Answers201WithItsLocationAndKeepsEveryField()
    {
        var client = _server.Client();

        var response = await client.PostJsonAsync("/api/v1/templates", Template);
        var created = await response.ExpectAsync(201);
        var fetched = await (await client.GetAsync(response.Headers.Location)).ExpectAsync(200);

        response.Headers.Location!.OriginalString.Should().Be("/api/v1/templates/api-made");
        foreach (var template in new[] { created, fetched })
        {
            template.GetProperty("requestTimeoutSeconds").GetInt32().Should().Be(600);
            template.GetProperty("attributes").GetProperty("ncpus")[1].GetString().Should().Be("2");
            template.GetProperty("imageId").GetString().Should().Be("img-9");
            template.GetProperty("tags").GetProperty("team").GetString().Should().Be("hpc");
            template.GetProperty("version").GetInt64().Should().Be(1);
        }
    }

    [Fact]
    public async Task CreateTemplate_WhenTheIdIsTaken_Answers409Problem()
    {
        var client = _server.Client();
        (await client.PostJsonAsync("/api/v1/templates", Template)).EnsureSuccessStatusCode();

        var problem = await (await client.PostJsonAsync("/api/v1/templates", Template)).ExpectProblemAsync(409);

        problem.GetProperty("detail").GetString().Should().Be("Template 'api-made' already exists; update it instead.");
    }

    [Fact]
    public async Task CreateTemplate_WhenFieldsBreakTheRules_Answers400WithEveryError()
    {
        var body = """{ "templateId": "bad id!", "providerName": "fake", "maxNumber": 2, "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "one"] } }""";

        var problem = await (await _server.Client().PostJsonAsync("/api/v1/templates", body)).ExpectProblemAsync(400);

        var errors = problem.GetProperty("errors").GetProperty("template").EnumerateArray().Select(e => e.GetString()).ToList();
        errors.Should().HaveCount(3);
        errors.Should().Contain(e => e!.Contains("templateId", StringComparison.Ordinal))
            .And.Contain(e => e!.Contains("attributes.ncpus", StringComparison.Ordinal))
            .And.Contain(e => e!.Contains("attributes.nram", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateTemplate_WhenTheProviderIsNotConfigured_Answers400NamingTheKnownOnes()
    {
        var problem = await (await _server.Client().PostJsonAsync("/api/v1/templates", Template.Replace("\"fake\"", "\"nowhere\"", StringComparison.Ordinal)))
            .ExpectProblemAsync(400);

        problem.GetProperty("detail").GetString().Should().Be("Unknown provider 'nowhere'. Known providers: fake.");
    }

    [Fact]
    public async Task CreateTemplate_WhenTheBodyIsNotJson_Answers400Problem() =>
        await (await _server.Client().PostJsonAsync("/api/v1/templates", "{ not json")).ExpectProblemAsync(400);

    [Fact]
    public async Task GetTemplate_WhenUnknown_Answers404Problem()
    {
        var problem = await (await _server.Client().GetAsync("/api/v1/templates/nope")).ExpectProblemAsync(404);

        problem.GetProperty("detail").GetString().Should().Be("Template 'nope' does not exist.");
        problem.GetProperty("instance").GetString().Should().Be("/api/v1/templates/nope");
    }

    [Fact]
    public async Task UpdateTemplate_WhenValid_ReplacesTheDefinition()
    {
        var client = _server.Client();
        (await client.PostJsonAsync("/api/v1/templates", Template)).EnsureSuccessStatusCode();

        var updated = await (await client.PutJsonAsync("/api/v1/templates/api-made", Template.Replace("\"maxNumber\": 2", "\"maxNumber\": 7", StringComparison.Ordinal)))
            .ExpectAsync(200);

        updated.GetProperty("maxNumber").GetInt32().Should().Be(7);
        updated.GetProperty("version").GetInt64().Should().Be(2);
    }

    [Fact]
    public async Task UpdateTemplate_WhenTheBodyNamesAnotherTemplate_Answers400()
    {
        var problem = await (await _server.Client().PutJsonAsync($"/api/v1/templates/{ServerFactory.TemplateId}", Template)).ExpectProblemAsync(400);

        problem.GetProperty("errors").GetProperty("templateId")[0].GetString().Should().Contain("path names 'fake-small'");
    }

    [Fact]
    public async Task UpdateTemplate_WhenUnknown_Answers404() =>
        await (await _server.Client().PutJsonAsync("/api/v1/templates/api-made", Template)).ExpectProblemAsync(404);

    [Fact]
    public async Task DeleteTemplate_WhenUnused_Answers204AndItIsGone()
    {
        var client = _server.Client();
        (await client.PostJsonAsync("/api/v1/templates", Template)).EnsureSuccessStatusCode();

        await (await client.DeleteAsync("/api/v1/templates/api-made")).ExpectAsync(204);

        await (await client.GetAsync("/api/v1/templates/api-made")).ExpectProblemAsync(404);
        await (await client.DeleteAsync("/api/v1/templates/api-made")).ExpectProblemAsync(404);
    }

    [Fact]
    public async Task DeleteTemplate_WhenMachinesUseIt_Answers409Problem()
    {
        var client = _server.Client();
        await (await client.PostJsonAsync("/api/v1/requests", $$"""{ "templateId": "{{ServerFactory.TemplateId}}", "machineCount": 1 }""")).ExpectAsync(201);

        var problem = await (await client.DeleteAsync($"/api/v1/templates/{ServerFactory.TemplateId}")).ExpectProblemAsync(409);

        problem.GetProperty("detail").GetString().Should().Contain("1 active machine(s) still use it");
    }

    [Fact]
    public async Task ValidateTemplate_WhenValid_AnswersValidWithTheProvidersCheck()
    {
        var result = await (await _server.Client().PostJsonAsync("/api/v1/templates/validate", Template)).ExpectAsync(200);

        result.GetProperty("valid").GetBoolean().Should().BeTrue();
        _server.Provider.ValidateCalls.Should().Be(1);
    }

    [Fact]
    public async Task ValidateTemplate_WhenInvalid_AnswersTheProblemsWithoutSaving()
    {
        var client = _server.Client();
        _server.Provider.ValidationProblems = ["imageId 'img-9' does not exist"];

        var malformed = await (await client.PostJsonAsync("/api/v1/templates/validate", """{ "templateId": "x" }""")).ExpectAsync(200);
        var refusedByProvider = await (await client.PostJsonAsync("/api/v1/templates/validate", Template)).ExpectAsync(200);

        malformed.GetProperty("valid").GetBoolean().Should().BeFalse();
        malformed.GetProperty("problems").GetArrayLength().Should().BeGreaterThan(1);
        refusedByProvider.GetProperty("problems").EnumerateArray().Select(p => p.GetString()).Should().Equal("imageId 'img-9' does not exist");
        await (await client.GetAsync("/api/v1/templates/api-made")).ExpectProblemAsync(404);
    }

    public void Dispose() => _server.Dispose();
}
