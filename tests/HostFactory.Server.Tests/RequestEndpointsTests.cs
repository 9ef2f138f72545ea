using HostFactory.Testing;

namespace HostFactory.Server.Tests;

public sealed class RequestEndpointsTests : IDisposable
{
    private readonly ServerFactory _server = new();
    private readonly HttpClient _client;

    public RequestEndpointsTests() => _client = _server.Client();

    [Fact]
    public async Task RequestMachines_WhenAccepted_Answers201AndTheStatusCompletesOnceTheMachinesRun()
    {
        var response = await _client.PostJsonAsync("/api/v1/requests", $$"""{ "templateId": "{{ServerFactory.TemplateId}}", "machineCount": 2 }""");
        var created = await response.ExpectAsync(201);
        var requestId = created.GetProperty("requestId").GetString()!;

        var status = await (await _client.GetAsync(response.Headers.Location)).ExpectAsync(200);

        requestId.Should().StartWith("req-");
        created.GetProperty("status").GetString().Should().Be("provisioning");
        created.GetProperty("machineCount").GetInt32().Should().Be(2);
        status.GetProperty("status").GetString().Should().Be("complete", "the status call syncs with the provider first");
        status.GetProperty("state").GetString().Should().Be("completed");
        var machines = status.GetProperty("machines").EnumerateArray().ToList();
        machines.Should().HaveCount(2).And.OnlyContain(m => m.GetProperty("result").GetString() == "succeed" && m.GetProperty("status").GetString() == "running");
        machines[0].GetProperty("launchtime").GetInt64().Should().BeGreaterThan(1_700_000_000);
        machines[0].GetProperty("name").GetString().Should().EndWith(".example");
    }

    [Fact]
    public async Task GetRequest_WhenSyncIsOff_ReportsWhatWasStoredWithoutAskingTheProvider()
    {
        var requestId = await RequestAsync(1);

        var status = await (await _client.GetAsync($"/api/v1/requests/{requestId}?sync=false")).ExpectAsync(200);

        status.GetProperty("status").GetString().Should().Be("running");
        _server.Provider.DescribeCalls.Should().Be(0);
    }

    [Fact]
    public async Task GetRequest_WhenUnknownOrMalformed_Answers404Or400()
    {
        await (await _client.GetAsync("/api/v1/requests/req-00000000-0000-4000-8000-000000000000")).ExpectProblemAsync(404);
        var malformed = await (await _client.GetAsync("/api/v1/requests/nonsense")).ExpectProblemAsync(400);

        malformed.GetProperty("errors").GetProperty("requestId")[0].GetString().Should().Contain("is not a request id");
        malformed.GetProperty("detail").GetString().Should().Be(
            "GetRequestStatus is invalid: requestId: 'nonsense' is not a request id ('req-' or 'ret-' followed by a lowercase UUID).",
            "the detail is one sentence: each error's own full stop is not doubled");
    }

    [Theory]
    [InlineData("""{ "templateId": "x", "machineCount": 99999999999 }""", "Path: $.machineCount | LineNumber: 0 | BytePositionInLine: 48.")]
    [InlineData("not json", "'not json' is an invalid JSON literal")]
    public async Task PostRequest_WhenTheBodyCannotBeRead_SaysWhereAndWhy(string body, string expected)
    {
        var unreadable = await (await _client.PostJsonAsync("/api/v1/requests", body)).ExpectProblemAsync(400);

        unreadable.GetProperty("detail").GetString().Should().StartWith("The request body is not the JSON this call takes: ").And.Contain(expected);
    }

    [Fact]
    public async Task CancelRequest_WhenTheBodyIsMissing_SaysTheCallTakesOne()
    {
        var missing = await (await _client.PostAsync($"/api/v1/requests/{await RequestAsync(1)}/cancel", null)).ExpectProblemAsync(400);

        missing.GetProperty("detail").GetString().Should().Be("The request has no body; this call takes a JSON object (docs/server.md lists each call's body).");
    }

    [Fact]
    public async Task PostRequest_WhenSeveralFieldsAreInvalid_ListsThemInOneSentence()
    {
        var invalid = await (await _client.PostJsonAsync("/api/v1/requests", """{ "templateId": "", "machineCount": 0 }""")).ExpectProblemAsync(400);

        var detail = invalid.GetProperty("detail").GetString();
        detail.Should().StartWith("RequestMachines is invalid: ").And.EndWith(", was 0.").And.NotContain("..").And.NotContain(".;");
    }

    [Fact]
    public async Task GetRequestStatus_WhenManyIds_AnswersEachOneEvenTheUnknownAndMalformed()
    {
        var acquire = await RequestAsync(1);
        var unknown = "ret-00000000-0000-4000-8000-000000000000";

        var answer = await (await _client.PostJsonAsync("/api/v1/requests/status", $$"""{ "requestIds": ["{{acquire}}", "{{unknown}}", "oops"] }""")).ExpectAsync(200);

        var requests = answer.GetProperty("requests").EnumerateArray().ToList();
        requests.Select(r => r.GetProperty("requestId").GetString()).Should().Equal(acquire, unknown, "oops");
        requests.Select(r => r.GetProperty("status").GetString()).Should().Equal("complete", "complete_with_error", "complete_with_error");
        requests[1].GetProperty("message").GetString().Should().Be($"Request '{unknown}' does not exist.");
    }

    [Fact]
    public async Task GetRequestStatus_WhenNoIdIsGiven_Answers400() =>
        await (await _client.PostJsonAsync("/api/v1/requests/status", """{ "requestIds": [] }""")).ExpectProblemAsync(400);

    [Fact]
    public async Task RequestMachines_WhenOverCapacity_Answers409Problem()
    {
        var problem = await (await _client.PostJsonAsync("/api/v1/requests", $$"""{ "templateId": "{{ServerFactory.TemplateId}}", "machineCount": 4 }""")).ExpectProblemAsync(409);

        problem.GetProperty("detail").GetString().Should().Be($"Template '{ServerFactory.TemplateId}' allows 3 machine(s) and 0 are active: 3 more can be provisioned, not 4.");
    }

    [Fact]
    public async Task RequestMachines_WhenTheTemplateIsUnknown_Answers404() =>
        await (await _client.PostJsonAsync("/api/v1/requests", """{ "templateId": "nope", "machineCount": 1 }""")).ExpectProblemAsync(404);

    [Fact]
    public async Task RequestMachines_WhenTheInputIsInvalid_Answers400WithTheErrorsByField()
    {
        var problem = await (await _client.PostJsonAsync("/api/v1/requests", """{ "templateId": "no spaces", "machineCount": 0 }""")).ExpectProblemAsync(400);

        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().BeEquivalentTo(["TemplateId", "Count"]);
    }

    [Fact]
    public async Task RequestMachines_WhenTheProviderMakesNothing_StillAnswers201WithAFailedRequest()
    {
        _server.Provider.EnqueueProvision(ProvisionScript.Failure("no capacity in zone"));

        var created = await (await _client.PostJsonAsync("/api/v1/requests", $$"""{ "templateId": "{{ServerFactory.TemplateId}}", "machineCount": 1 }""")).ExpectAsync(201);

        created.GetProperty("status").GetString().Should().Be("failed");
        created.GetProperty("message").GetString().Should().Be("no capacity in zone");
    }

    [Fact]
    public async Task ListRequests_WhenFilteredAndPaged_ReturnsTheMatchingPage()
    {
        var first = await RequestAsync(1);
        var second = await RequestAsync(1);
        await _client.GetAsync($"/api/v1/requests/{first}");
        var returned = await ReturnAsync(first);

        var acquires = await (await _client.GetAsync("/api/v1/requests?kind=acquire&limit=1&offset=1")).ExpectAsync(200);
        var completed = await (await _client.GetAsync("/api/v1/requests?status=completed")).ExpectAsync(200);
        var ofTemplate = await (await _client.GetAsync($"/api/v1/requests?templateId={ServerFactory.TemplateId}")).ExpectAsync(200);

        acquires.GetProperty("total").GetInt32().Should().Be(2);
        acquires.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("requestId").GetString()).Should().Equal(second);
        completed.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("requestId").GetString()).Should().BeEquivalentTo([first, returned]);
        ofTemplate.GetProperty("total").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task ListRequests_WhenFiltersAreNotWords_Answers400NamingEach()
    {
        var problem = await (await _client.GetAsync("/api/v1/requests?kind=buy&status=done&limit=5000")).ExpectProblemAsync(400);

        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().BeEquivalentTo(["kind", "status", "Limit"]);
    }

    [Fact]
    public async Task ReturnMachines_WhenNamedByHostName_Answers201AndReleasesThem()
    {
        var requestId = await RequestAsync(2);
        await _client.GetAsync($"/api/v1/requests/{requestId}");
        var hostName = _server.Provider.Machines[0].HostName;

        var response = await _client.PostJsonAsync("/api/v1/returns", $$"""{ "machines": [ { "name": "{{hostName}}" }, { "name": "ghost.example" } ] }""");
        var returned = await response.ExpectAsync(201);
        var status = await (await _client.GetAsync(response.Headers.Location)).ExpectAsync(200);

        returned.GetProperty("requestId").GetString().Should().StartWith("ret-");
        returned.GetProperty("returned").GetArrayLength().Should().Be(1);
        returned.GetProperty("unknown").EnumerateArray().Select(u => u.GetString()).Should().Equal("ghost.example");
        status.GetProperty("status").GetString().Should().Be("complete");
        status.GetProperty("machines")[0].GetProperty("status").GetString().Should().Be("terminated");
        _server.Provider.ReleasedMachines.Should().ContainSingle().Which.HostName.Should().Be(hostName);
    }

    [Fact]
    public async Task ReturnMachines_WhenNoMachineIsNamed_Answers400() =>
        await (await _client.PostJsonAsync("/api/v1/returns", """{ "machines": [] }""")).ExpectProblemAsync(400);

    [Fact]
    public async Task CancelRequest_WhenUnfinished_CancelsItAndReleasesItsMachines()
    {
        var requestId = await RequestAsync(1);

        var cancelled = await (await _client.PostJsonAsync($"/api/v1/requests/{requestId}/cancel", """{ "reason": "not needed any more" }""")).ExpectAsync(200);
        var again = await (await _client.PostJsonAsync($"/api/v1/requests/{requestId}/cancel", """{ "reason": "twice" }""")).ExpectProblemAsync(409);

        cancelled.GetProperty("requestId").GetString().Should().Be(requestId);
        cancelled.GetProperty("releasedMachines").GetArrayLength().Should().Be(1);
        again.GetProperty("detail").GetString().Should().Contain("already cancelled");
        await (await _client.PostJsonAsync("/api/v1/requests/req-00000000-0000-4000-8000-000000000000/cancel", """{ "reason": "x" }""")).ExpectProblemAsync(404);
    }

    [Fact]
    public async Task SyncRequests_WhenCalled_SyncsEveryUnfinishedRequestAndReportsWhatChanged()
    {
        var requestId = await RequestAsync(1);

        var summary = await (await _client.PostJsonAsync("/api/v1/requests/sync", "{}")).ExpectAsync(200);

        summary.GetProperty("changed").GetInt32().Should().Be(1);
        var synced = summary.GetProperty("requests").EnumerateArray().Should().ContainSingle().Subject;
        synced.GetProperty("requestId").GetString().Should().Be(requestId);
        synced.GetProperty("before").GetString().Should().Be("provisioning");
        synced.GetProperty("after").GetString().Should().Be("completed");
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    private async Task<string> RequestAsync(int count)
    {
        var created = await (await _client.PostJsonAsync("/api/v1/requests", $$"""{ "templateId": "{{ServerFactory.TemplateId}}", "machineCount": {{count}} }""")).ExpectAsync(201);
        return created.GetProperty("requestId").GetString()!;
    }

    private async Task<string> ReturnAsync(string acquireId)
    {
        var machines = await (await _client.GetAsync($"/api/v1/machines?requestId={acquireId}")).ExpectAsync(200);
        var names = string.Join(", ", machines.GetProperty("items").EnumerateArray().Select(m => $$"""{ "name": "{{m.GetProperty("hostName").GetString()}}" }"""));
        var returned = await (await _client.PostJsonAsync("/api/v1/returns", $$"""{ "machines": [ {{names}} ] }""")).ExpectAsync(201);
        return returned.GetProperty("requestId").GetString()!;
    }
}
