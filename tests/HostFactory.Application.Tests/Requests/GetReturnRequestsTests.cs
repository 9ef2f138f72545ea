using HostFactory.Application.Requests;
using HostFactory.Domain.Providers;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests;

/// <summary>GetReturnRequests through the buses, on the in-memory stores and on the JSON file store (the subclasses below).</summary>
public abstract class GetReturnRequestsTests(StoreKind store) : IAsyncLifetime
{
    protected HostFactoryTestHost Host { get; } = TestHosts.Create(store);

    [Fact]
    public async Task GetReturnRequests_WhenTheProviderReclaimsOrLosesMachines_ReportsThemWithGracePeriods()
    {
        var (_, machines) = await Host.RunningMachinesAsync(3);
        Host.Provider.Reclaim(machines[0].HostName, gracePeriodSeconds: 120);
        Host.Provider.Lose(machines[1].ProviderMachineId);

        var result = await Ask(machines.Select(m => new MachineReference(m.HostName, m.Id.Value)).ToArray());

        result.Machines.Select(m => (m.HostName, m.GracePeriodSeconds, m.MachineId)).Should().Equal(
            (machines[0].HostName, 120, machines[0].Id), (machines[1].HostName, 0, machines[1].Id));
        result.Problems.Should().BeEmpty();
        Host.Provider.ListReclaimedCalls.Should().Be(1);
    }

    [Fact]
    public async Task GetReturnRequests_WhenAMachineEndedOutsideAReturn_ReportsItWithoutAskingTheProvider()
    {
        await Host.CreateTemplateAsync();
        Host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(1), MachineScript.Hangs));
        var request = await Host.RequestAsync(2);
        await Host.SyncAsync(request.RequestId);
        var lost = (await Host.MachinesOfAsync(request.RequestId)).Single(m => m.Status == Domain.Machines.MachineStatus.Running);
        Host.Provider.Lose(lost.HostName);
        await Host.SyncAsync(request.RequestId);

        var result = await Ask(new MachineReference(lost.HostName));

        result.Machines.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { lost.HostName, GracePeriodSeconds = 0, Reason = "The machine is terminated: The machine was terminated outside Host Factory." });
        Host.Provider.ListReclaimedCalls.Should().Be(0);
    }

    [Fact]
    public async Task GetReturnRequests_WhenNamedInAnotherCase_FindsTheMachine()
    {
        var (_, machines) = await Host.RunningMachinesAsync(1);
        Host.Provider.Reclaim(machines[0].HostName, gracePeriodSeconds: 60);

        var result = await Ask(new MachineReference(machines[0].HostName.ToUpperInvariant()));

        result.Machines.Should().ContainSingle().Which.MachineId.Should().Be(machines[0].Id);
        result.Unknown.Should().BeEmpty();
    }

    [Fact]
    public async Task GetReturnRequests_WhenMachinesAreBeingReturned_LeavesThemOut()
    {
        var (_, machines) = await Host.RunningMachinesAsync(1);
        Host.Provider.DefaultReleaseOutcome = ReleaseOutcome.Releasing;
        await Host.ExecuteAsync(new ReturnMachines([new MachineReference(machines[0].HostName)]));
        Host.Provider.Reclaim(machines[0].HostName);

        var result = await Ask(new MachineReference(machines[0].HostName));

        result.Machines.Should().BeEmpty();
    }

    [Fact]
    public async Task GetReturnRequests_WhenNoMachinesNamed_AsksAboutEveryActiveMachine()
    {
        var (_, machines) = await Host.RunningMachinesAsync(2);
        Host.Provider.Reclaim(machines[1].HostName, 30);

        var result = await Ask();

        result.Machines.Should().ContainSingle().Which.HostName.Should().Be(machines[1].HostName);
    }

    [Fact]
    public async Task GetReturnRequests_WhenNamesAreUnknownOrTheProviderFails_ReportsThatInstead()
    {
        await Host.RunningMachinesAsync(1);
        Host.Provider.ListReclaimedThrows = new HttpRequestException("API down");

        var result = await Ask(new MachineReference("ghost.example"), new MachineReference("fake-0001.example"));

        result.Machines.Should().BeEmpty();
        result.Unknown.Should().Equal("ghost.example");
        result.Problems.Should().Equal("Provider 'fake' failed to list reclaimed machines: API down");
    }

    private async Task<ReturnRequestsResult> Ask(params MachineReference[] machines) =>
        await Host.QueryAsync(new GetReturnRequests(machines));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Host.DisposeAsync().AsTask();
}

/// <summary>The tests above on the in-memory stores.</summary>
public sealed class GetReturnRequestsInMemoryTests() : GetReturnRequestsTests(StoreKind.InMemory);

/// <summary>The tests above on the JSON file store.</summary>
public sealed class GetReturnRequestsJsonFilesTests() : GetReturnRequestsTests(StoreKind.JsonFiles);
