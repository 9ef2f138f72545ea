using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests;

public sealed class ReturnMachinesTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create(options => options.AddProvider("other"));

    [Fact]
    public async Task ReturnMachines_WhenNamedByHostName_ReleasesThemAndCompletesTheReturn()
    {
        var (_, machines) = await _host.RunningMachinesAsync(2);

        var result = await Return(machines.Select(m => new MachineReference(m.HostName)).ToArray());

        result.RequestId.Kind.Should().Be(RequestKind.Return);
        result.Status.Should().Be(RequestStatus.Completed);
        result.Message.Should().Be("Return of 2 machine(s) started.");
        result.Returned.Should().BeEquivalentTo(machines.Select(m => m.Id));
        _host.Provider.ReleaseCalls.Should().ContainSingle().Which.Select(m => m.MachineId).Should().BeEquivalentTo(machines.Select(m => m.Id));
        _host.MachinesOf(result.RequestId).Should().HaveCount(2).And.OnlyContain(m => m.Status == MachineStatus.Terminated && m.ReturnRequestId == result.RequestId);
        var status = await _host.StatusAsync(result.RequestId);
        status.Status.Should().Be("complete");
        status.Machines.Should().OnlyContain(m => m.Result == "succeed" && m.Status == "terminated");
    }

    [Fact]
    public async Task ReturnMachines_WhenNamedByOurIdOrTheProvidersId_FindsEach()
    {
        var (_, machines) = await _host.RunningMachinesAsync(3);

        var result = await Return(
            new MachineReference(null, machines[0].Id.Value),
            new MachineReference(null, machines[1].ProviderMachineId),
            new MachineReference(machines[2].HostName, machines[2].ProviderMachineId));

        result.Returned.Should().BeEquivalentTo(machines.Select(m => m.Id));
        result.Unknown.Should().BeEmpty();
    }

    [Fact]
    public async Task ReturnMachines_WhenMachinesComeFromSeveralRequestsAndProviders_ReleasesEachGroupOnce()
    {
        await _host.CreateTemplateAsync(TestTemplates.Definition("other-template", providerName: "other"));
        var (_, first) = await _host.RunningMachinesAsync(2);
        var (_, second) = await _host.RunningMachinesAsync(1);
        var (_, third) = await _host.RunningMachinesAsync(1, "other-template");

        var result = await Return(first.Concat(second).Concat(third).Select(m => new MachineReference(m.HostName, m.Id.Value)).ToArray());

        result.Returned.Should().HaveCount(4);
        _host.Provider.ReleaseCalls.Should().ContainSingle().Which.Should().HaveCount(3);
        _host.ProviderNamed("other").ReleaseCalls.Should().ContainSingle().Which.Should().ContainSingle();
        (await _host.Requests.GetAsync(result.RequestId, default))!.MachineIds.Should().HaveCount(4);
    }

    [Fact]
    public async Task ReturnMachines_WhenSomeNamesAreUnknown_ReportsThemAndReturnsTheRest()
    {
        var (_, machines) = await _host.RunningMachinesAsync(1);

        var result = await Return(new MachineReference("ghost.example"), new MachineReference(machines[0].HostName), new MachineReference(null, "i-unknown"));

        result.Returned.Should().ContainSingle();
        result.Unknown.Should().Equal("ghost.example", "i-unknown");
        result.Message.Should().Be("Return of 1 machine(s) started. Unknown machine(s): ghost.example, i-unknown.");
    }

    [Fact]
    public async Task ReturnMachines_WhenOneMachineIsNamedTwice_ReleasesItOnce()
    {
        var (_, machines) = await _host.RunningMachinesAsync(1);
        var machine = machines[0];

        var result = await Return(new MachineReference(machine.HostName), new MachineReference(machine.HostName, machine.Id.Value), new MachineReference(null, machine.ProviderMachineId));

        result.Returned.Should().Equal(machine.Id);
        _host.Provider.ReleasedMachines.Should().ContainSingle();
        (await _host.Requests.GetAsync(result.RequestId, default))!.RequestedCount.Should().Be(1);
    }

    [Fact]
    public async Task ReturnMachines_WhenAlreadyReturning_DoesNotReleaseAgain()
    {
        var (_, machines) = await _host.RunningMachinesAsync(1);
        _host.Provider.DefaultReleaseOutcome = ReleaseOutcome.Releasing;
        var first = await Return(new MachineReference(machines[0].HostName));

        var second = await Return(new MachineReference(machines[0].HostName));

        first.Status.Should().Be(RequestStatus.Releasing);
        second.Status.Should().Be(RequestStatus.Completed);
        second.Message.Should().Be($"No active machine. Already returning or terminated: {machines[0].HostName}.");
        second.AlreadyReturningOrTerminated.Should().Equal(machines[0].Id);
        _host.Provider.ReleasedMachines.Should().ContainSingle();
    }

    [Fact]
    public async Task ReturnMachines_WhenAlreadyTerminated_CreatesACompletedReturnWithNoActiveMachine()
    {
        var (requestId, machines) = await _host.RunningMachinesAsync(1);
        _host.Provider.Lose(machines[0].HostName);
        await _host.ExecuteAsync(new SyncRequests([requestId.Value]));
        _host.MachinesOf(requestId).Single().Status.Should().Be(MachineStatus.Running, "a completed request is not synced any more");

        var gone = await Return(new MachineReference(machines[0].HostName));
        var again = await Return(new MachineReference(machines[0].HostName));

        gone.Returned.Should().ContainSingle("the provider says already gone, so the release completes");
        again.Message.Should().StartWith(ReturnMachines.NoActiveMachine);
        again.Status.Should().Be(RequestStatus.Completed);
        (await _host.StatusAsync(again.RequestId)).Status.Should().Be("complete");
    }

    [Fact]
    public async Task ReturnMachines_WhenNothingIsKnown_StillCreatesACompletedReturnRequest()
    {
        var result = await Return(new MachineReference("ghost.example"));

        result.Status.Should().Be(RequestStatus.Completed);
        result.Message.Should().Be("No active machine. Unknown machine(s): ghost.example.");
        (await _host.Requests.GetAsync(result.RequestId, default))!.MachineIds.Should().BeEmpty();
        _host.Provider.ReleaseCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task ReturnMachines_WhenTheProviderIsStillReleasing_LeavesTheReturnReleasingUntilSyncSeesTermination()
    {
        var (_, machines) = await _host.RunningMachinesAsync(1);
        _host.Provider.DefaultReleaseOutcome = ReleaseOutcome.Releasing;

        var result = await Return(new MachineReference(machines[0].HostName));
        var whileReleasing = await _host.StatusAsync(result.RequestId);
        await _host.SyncAsync(result.RequestId);
        var afterSync = await _host.StatusAsync(result.RequestId);

        whileReleasing.Status.Should().Be("running");
        whileReleasing.Machines.Single().Should().Match<MachineStatusEntry>(m => m.Result == "executing" && m.Status == "shutting-down");
        afterSync.Status.Should().Be("complete");
        afterSync.Machines.Single().Result.Should().Be("succeed");
    }

    [Fact]
    public async Task ReturnMachines_WhenTheProviderRefuses_RecordsItsMessageAndLetsTheMachineBeReturnedAgain()
    {
        var (_, machines) = await _host.RunningMachinesAsync(2);
        _host.Provider.ScriptRelease(machines[0].HostName, ReleaseOutcome.Failed, "termination protection is on");

        var refused = await Return(machines.Select(m => new MachineReference(m.HostName)).ToArray());
        var status = await _host.StatusAsync(refused.RequestId);

        refused.Status.Should().Be(RequestStatus.CompletedWithErrors);
        status.Status.Should().Be("complete_with_error");
        status.Message.Should().Be($"1 machine(s) could not be released: {machines[0].Id}: termination protection is on.");
        status.Machines.Single(m => m.Machine.Id == machines[0].Id).Should().Match<MachineStatusEntry>(m => m.Result == "fail" && m.Message == "termination protection is on");
        var stored = _host.Machines.All.Single(m => m.Id == machines[0].Id);
        stored.Should().Match<MachineSnapshot>(m => m.Status == MachineStatus.Running && m.ReturnRequestId == null && m.Message == "termination protection is on");

        _host.Provider.ScriptRelease(machines[0].HostName, ReleaseOutcome.Released);
        var retried = await Return(new MachineReference(machines[0].HostName));
        retried.Status.Should().Be(RequestStatus.Completed);
    }

    [Fact]
    public async Task ReturnMachines_WhenTheProviderThrows_RecordsTheFailureInsteadOfCrashing()
    {
        var (_, machines) = await _host.RunningMachinesAsync(1);
        _host.Provider.ReleaseThrows = new HttpRequestException("API down");

        var result = await Return(new MachineReference(machines[0].HostName));

        result.Status.Should().Be(RequestStatus.CompletedWithErrors);
        result.Message.Should().Contain("Provider 'fake' failed to release the machine: API down");
    }

    [Fact]
    public async Task ReturnMachines_WhenAMachineSaveConflicts_ReappliesOnlyThatMachine()
    {
        var (_, machines) = await _host.RunningMachinesAsync(1);
        _host.Machines.InjectConflicts(3);

        var result = await Return(new MachineReference(machines[0].HostName));

        result.Status.Should().Be(RequestStatus.Completed);
        _host.Provider.ReleasedMachines.Should().ContainSingle();
        _host.Machines.PendingConflicts.Should().Be(0);
    }

    [Fact]
    public async Task ReturnMachines_WhenEmptyOrUnnamed_FailsValidation()
    {
        await FluentActions.Awaiting(() => Return()).Should().ThrowAsync<ValidationException>().WithMessage("*Machines: at least one entry is required*");
        await FluentActions.Awaiting(() => Return(new MachineReference(" ", null))).Should().ThrowAsync<ValidationException>().WithMessage("*Machines[0]: a machine needs a name or a machineId*");
        _host.Requests.All.Should().BeEmpty();
    }

    private async Task<ReturnMachinesResult> Return(params MachineReference[] machines) =>
        await _host.ExecuteAsync(new ReturnMachines(machines));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
