using HostFactory.Application.Machines;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Machines;

public sealed class ListOrphanMachinesTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create();

    [Fact]
    public async Task ListOrphanMachines_WhenEveryHeldMachineIsOwned_FindsNone()
    {
        await _host.RunningMachinesAsync(2);

        var found = await _host.QueryAsync(new ListOrphanMachines());

        found.Orphans.Should().BeEmpty();
        found.Providers.Should().ContainSingle().Which.Should().BeEquivalentTo(new ProviderHoldings(FakeMachineProvider.DefaultName, 2, null));
    }

    [Fact]
    public async Task ListOrphanMachines_WhenTheProviderHoldsAMachineOfNoStoredRequest_ListsItSayingSo()
    {
        await _host.CreateTemplateAsync();
        var stranger = new ProvisionKey(RequestId.NewAcquire(), 0);
        await MakeOutsideHostFactoryAsync(stranger, 1);

        var found = await _host.QueryAsync(new ListOrphanMachines(FakeMachineProvider.DefaultName));

        found.Orphans.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            ProviderName = FakeMachineProvider.DefaultName,
            Key = stranger,
            Machine = new { ProviderMachineId = "fake-0001" },
            Reason = $"No request {stranger.RequestId} is in the store.",
        });
    }

    [Fact]
    public async Task ListOrphanMachines_WhenAFinishedRequestHasNoRecordOfAHeldMachine_ListsIt()
    {
        var (requestId, _) = await _host.RunningMachinesAsync(1);
        await MakeOutsideHostFactoryAsync(new ProvisionKey(requestId, 1), 1);

        var found = await _host.QueryAsync(new ListOrphanMachines());

        found.Orphans.Should().ContainSingle().Which.Reason.Should().Be($"Request {requestId} is completed and has no record of the machine.");
    }

    [Fact]
    public async Task ListOrphanMachines_WhenAMachineRecordedTerminatedIsStillHeld_ListsIt()
    {
        var (_, running) = await _host.RunningMachinesAsync(1);
        var record = (await _host.Machines.FindAsync(running[0].Id, default))!;
        record.ApplyProviderStatus(MachineStatus.Terminated, "terminated by a bug", _host.Clock);
        await _host.Machines.SaveAsync(record, default);

        var found = await _host.QueryAsync(new ListOrphanMachines());

        found.Orphans.Should().ContainSingle().Which.Reason.Should().Be($"Recorded as {record.Id}, terminated, yet the provider still holds it.");
    }

    [Fact]
    public async Task ListOrphanMachines_WhileTheRequestIsPending_LeavesItsMachinesAlone()
    {
        await _host.CreateTemplateAsync();
        var pending = Request.CreateAcquire(new TemplateId(TestTemplates.DefaultId), 1, TimeSpan.FromMinutes(30), _host.Clock);
        await _host.Requests.SaveAsync(pending, default);
        await MakeOutsideHostFactoryAsync(pending.ProvisionKey, 1);

        var found = await _host.QueryAsync(new ListOrphanMachines());

        found.Orphans.Should().BeEmpty("a pending request's machines are still being made, or recovered by the next status call");
    }

    [Fact]
    public async Task ListOrphanMachines_WhenTheProviderCannotList_SaysWhy()
    {
        _host.Provider.CanListHeld = false;

        var found = await _host.QueryAsync(new ListOrphanMachines());

        found.Providers.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Held = (int?)null, Problem = "Provider 'fake' is playing a provider that cannot list what it holds." });
    }

    [Fact]
    public async Task ListOrphanMachines_WhenTheProviderIsUnknown_IsRefusedNamingTheKnownOnes()
    {
        var asking = () => _host.QueryAsync(new ListOrphanMachines("nope")).AsTask();

        await asking.Should().ThrowAsync<UnknownProviderException>().WithMessage("Unknown provider 'nope'. Known providers: fake.");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    /// <summary>Machines the provider makes under <paramref name="key"/> that Host Factory never recorded.</summary>
    private async Task MakeOutsideHostFactoryAsync(ProvisionKey key, int count)
    {
        var template = (await _host.Templates.FindAsync(new TemplateId(TestTemplates.DefaultId), default))!;
        await _host.Provider.ProvisionAsync(new ProvisionRequest(key, template.ToSnapshot(), count), default);
    }
}
