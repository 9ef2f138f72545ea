using HostFactory.Application.Requests;
using HostFactory.Domain.Providers;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests;

public sealed class GetReturnRequestsTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create();

    [Fact]
    public async Task GetReturnRequests_WhenTheProviderReclaimsOrLosesMachines_ReportsThemWithGracePeriods()
    {
        var (_, machines) = await _host.RunningMachinesAsync(3);
        _host.Provider.Reclaim(machines[0].HostName, gracePeriodSeconds: 120);
        _host.Provider.Lose(machines[1].ProviderMachineId);

        var result = await Ask(machines.Select(m => new MachineReference(m.HostName, m.Id.Value)).ToArray());

        result.Machines.Select(m => (m.HostName, m.GracePeriodSeconds, m.MachineId)).Should().Equal(
            (machines[0].HostName, 120, machines[0].Id), (machines[1].HostName, 0, machines[1].Id));
        result.Problems.Should().BeEmpty();
        _host.Provider.ListReclaimedCalls.Should().Be(1);
    }

    [Fact]
    public async Task GetReturnRequests_WhenAMachineEndedOutsideAReturn_ReportsItWithoutAskingTheProvider()
    {
        await _host.CreateTemplateAsync();
        _host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(1), MachineScript.Hangs));
        var request = await _host.RequestAsync(2);
        await _host.SyncAsync(request.RequestId);
        var lost = _host.MachinesOf(request.RequestId).Single(m => m.Status == Domain.Machines.MachineStatus.Running);
        _host.Provider.Lose(lost.HostName);
        await _host.SyncAsync(request.RequestId);

        var result = await Ask(new MachineReference(lost.HostName));

        result.Machines.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { lost.HostName, GracePeriodSeconds = 0, Reason = "The machine is terminated: The machine was terminated outside Host Factory." });
        _host.Provider.ListReclaimedCalls.Should().Be(0);
    }

    [Fact]
    public async Task GetReturnRequests_WhenMachinesAreBeingReturned_LeavesThemOut()
    {
        var (_, machines) = await _host.RunningMachinesAsync(1);
        _host.Provider.DefaultReleaseOutcome = ReleaseOutcome.Releasing;
        await _host.ExecuteAsync(new ReturnMachines([new MachineReference(machines[0].HostName)]));
        _host.Provider.Reclaim(machines[0].HostName);

        var result = await Ask(new MachineReference(machines[0].HostName));

        result.Machines.Should().BeEmpty();
    }

    [Fact]
    public async Task GetReturnRequests_WhenNoMachinesNamed_AsksAboutEveryActiveMachine()
    {
        var (_, machines) = await _host.RunningMachinesAsync(2);
        _host.Provider.Reclaim(machines[1].HostName, 30);

        var result = await Ask();

        result.Machines.Should().ContainSingle().Which.HostName.Should().Be(machines[1].HostName);
    }

    [Fact]
    public async Task GetReturnRequests_WhenNamesAreUnknownOrTheProviderFails_ReportsThatInstead()
    {
        await _host.RunningMachinesAsync(1);
        _host.Provider.ListReclaimedThrows = new HttpRequestException("API down");

        var result = await Ask(new MachineReference("ghost.example"), new MachineReference("fake-0001.example"));

        result.Machines.Should().BeEmpty();
        result.Unknown.Should().Equal("ghost.example");
        result.Problems.Should().Equal("Provider 'fake' failed to list reclaimed machines: API down");
    }

    private async Task<ReturnRequestsResult> Ask(params MachineReference[] machines) =>
        await _host.QueryAsync(new GetReturnRequests(machines));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
