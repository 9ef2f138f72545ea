using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Server.Tests;

public sealed class MachineEndpointsTests : IDisposable
{
    private readonly ServerFactory _server = new();
    private readonly HttpClient _client;

    public MachineEndpointsTests() => _client = _server.Client();

    [Fact]
    public async Task ListMachines_WhenFilteredAndPaged_ReturnsTheMatchingPage()
    {
        var requestId = await RequestAndSyncAsync(3);

        var ofRequest = await (await _client.GetAsync($"/api/v1/machines?requestId={requestId}&limit=2&offset=2")).ExpectAsync(200);
        var running = await (await _client.GetAsync("/api/v1/machines?status=running")).ExpectAsync(200);
        var pending = await (await _client.GetAsync("/api/v1/machines?status=pending")).ExpectAsync(200);

        ofRequest.GetProperty("total").GetInt32().Should().Be(3);
        ofRequest.GetProperty("items").GetArrayLength().Should().Be(1);
        ofRequest.GetProperty("offset").GetInt32().Should().Be(2);
        running.GetProperty("total").GetInt32().Should().Be(3);
        pending.GetProperty("total").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task ListMachines_WhenFiltersAreMalformed_Answers400NamingEach()
    {
        var problem = await (await _client.GetAsync("/api/v1/machines?status=sleeping&requestId=x&offset=-1")).ExpectProblemAsync(400);

        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().BeEquivalentTo(["status", "RequestId", "Offset"]);
    }

    [Fact]
    public async Task GetMachine_WhenKnown_AnswersIt()
    {
        await RequestAndSyncAsync(1);
        var listed = (await (await _client.GetAsync("/api/v1/machines")).ExpectAsync(200)).GetProperty("items")[0];

        var machine = await (await _client.GetAsync($"/api/v1/machines/{listed.GetProperty("machineId").GetString()}")).ExpectAsync(200);

        machine.GetProperty("providerName").GetString().Should().Be("fake");
        machine.GetProperty("templateId").GetString().Should().Be(ServerFactory.TemplateId);
        machine.GetProperty("status").GetString().Should().Be("running");
        machine.GetProperty("hostName").GetString().Should().Be(_server.Provider.Machines[0].HostName);
    }

    [Fact]
    public async Task GetMachine_WhenUnknownOrMalformed_Answers404Or400()
    {
        var unknown = await (await _client.GetAsync("/api/v1/machines/m-00000000-0000-4000-8000-000000000000")).ExpectProblemAsync(404);
        await (await _client.GetAsync("/api/v1/machines/host-a")).ExpectProblemAsync(400);

        unknown.GetProperty("detail").GetString().Should().Be("Machine 'm-00000000-0000-4000-8000-000000000000' does not exist.");
    }

    [Fact]
    public async Task GetReclaimedMachines_WhenTheProviderTookOne_ListsItWithGracePeriodZero()
    {
        await RequestAndSyncAsync(2);
        var lost = _server.Provider.Machines[0];
        var leaving = _server.Provider.Machines[1];
        _server.Provider.Lose(lost.HostName);
        _server.Provider.Reclaim(leaving.HostName, gracePeriodSeconds: 120);

        var all = await (await _client.GetAsync("/api/v1/machines/reclaimed")).ExpectAsync(200);
        var named = await (await _client.GetAsync($"/api/v1/machines/reclaimed?machine={leaving.HostName}&machine=ghost.example")).ExpectAsync(200);

        all.GetProperty("status").GetString().Should().Be("complete");
        all.GetProperty("requests").EnumerateArray().Select(r => (r.GetProperty("machine").GetString(), r.GetProperty("gracePeriod").GetInt32()))
            .Should().BeEquivalentTo([(lost.HostName, 0), (leaving.HostName, 120)]);
        named.GetProperty("requests").EnumerateArray().Select(r => r.GetProperty("machine").GetString()).Should().Equal(leaving.HostName);
        named.GetProperty("unknown").EnumerateArray().Select(u => u.GetString()).Should().Equal("ghost.example");
    }

    [Fact]
    public async Task ListOrphanMachines_WhenTheProviderHoldsAMachineNoRequestOwns_ListsItWithWhy()
    {
        await RequestAndSyncAsync(1);
        var stranger = new ProvisionKey(RequestId.NewAcquire(), 0);
        var template = Template.Create(new TemplateId(ServerFactory.TemplateId), "fake", 3, new TemplateAttributes("X86_64", 1024, 1), ProviderSettings.Empty, null, TimeProvider.System);
        await _server.Provider.ProvisionAsync(new ProvisionRequest(stranger, template.ToSnapshot(), 1), default);

        var found = await (await _client.GetAsync("/api/v1/providers/orphans")).ExpectAsync(200);
        var unknown = await (await _client.GetAsync("/api/v1/providers/orphans?provider=nope")).ExpectProblemAsync(400);

        var orphan = found.GetProperty("orphans").EnumerateArray().Should().ContainSingle().Subject;
        orphan.GetProperty("provisionKey").GetString().Should().Be(stranger.Value);
        orphan.GetProperty("providerMachineId").GetString().Should().Be(_server.Provider.Machines[1].ProviderMachineId);
        orphan.GetProperty("reason").GetString().Should().Be($"No request {stranger.RequestId} is in the store.");
        found.GetProperty("providers")[0].GetProperty("held").GetInt32().Should().Be(2);
        unknown.GetProperty("detail").GetString().Should().Contain("Unknown provider 'nope'");
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    private async Task<string> RequestAndSyncAsync(int count)
    {
        var created = await (await _client.PostJsonAsync("/api/v1/requests", $$"""{ "templateId": "{{ServerFactory.TemplateId}}", "machineCount": {{count}} }""")).ExpectAsync(201);
        var requestId = created.GetProperty("requestId").GetString()!;
        await (await _client.GetAsync($"/api/v1/requests/{requestId}")).ExpectAsync(200);
        return requestId;
    }
}
