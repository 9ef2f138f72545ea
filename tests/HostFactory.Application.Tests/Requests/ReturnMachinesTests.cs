using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests;

/// <summary>ReturnMachines through the buses, on the in-memory stores and on the JSON file store (the subclasses below).</summary>
public abstract class ReturnMachinesTests(StoreKind store) : IAsyncLifetime
{
    protected HostFactoryTestHost Host { get; } = TestHosts.Create(store, options => options.AddProvider("other"));

    [Fact]
    public async Task ReturnMachines_WhenNamedByHostName_ReleasesThemAndCompletesTheReturn()
    {
        var (_, machines) = await Host.RunningMachinesAsync(2);

        var result = await Return(machines.Select(m => new MachineReference(m.HostName)).ToArray());

        result.RequestId.Kind.Should().Be(RequestKind.Return);
        result.Status.Should().Be(RequestStatus.Completed);
        result.Message.Should().Be("Return of 2 machine(s) started.");
        result.Returned.Should().BeEquivalentTo(machines.Select(m => m.Id));
        Host.Provider.ReleaseCalls.Should().ContainSingle().Which.Select(m => m.MachineId).Should().BeEquivalentTo(machines.Select(m => m.Id));
        (await Host.MachinesOfAsync(result.RequestId)).Should().HaveCount(2).And.OnlyContain(m => m.Status == MachineStatus.Terminated && m.ReturnRequestId == result.RequestId);
        var status = await Host.StatusAsync(result.RequestId);
        status.Status.Should().Be("complete");
        status.Machines.Should().OnlyContain(m => m.Result == "succeed" && m.Status == "terminated");
    }

    [Fact]
    public async Task ReturnMachines_WhenNamedInAnotherCase_FindsAndReleasesThem()
    {
        var (_, machines) = await Host.RunningMachinesAsync(2);

        var result = await Return(new MachineReference(machines[0].HostName.ToUpperInvariant()), new MachineReference(char.ToUpperInvariant(machines[1].HostName[0]) + machines[1].HostName[1..]));

        result.Returned.Should().BeEquivalentTo(machines.Select(m => m.Id), "host names are DNS names: they match ignoring case");
        result.Unknown.Should().BeEmpty();
        Host.Provider.ReleasedMachines.Should().HaveCount(2);
    }

    [Fact]
    public async Task ReturnMachines_WhenNamedByOurIdOrTheProvidersId_FindsEach()
    {
        var (_, machines) = await Host.RunningMachinesAsync(3);

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
        await Host.CreateTemplateAsync(TestTemplates.Definition("other-template", providerName: "other"));
        var (_, first) = await Host.RunningMachinesAsync(2);
        var (_, second) = await Host.RunningMachinesAsync(1);
        var (_, third) = await Host.RunningMachinesAsync(1, "other-template");

        var result = await Return(first.Concat(second).Concat(third).Select(m => new MachineReference(m.HostName, m.Id.Value)).ToArray());

        result.Returned.Should().HaveCount(4);
        Host.Provider.ReleaseCalls.Should().ContainSingle().Which.Should().HaveCount(3);
        Host.ProviderNamed("other").ReleaseCalls.Should().ContainSingle().Which.Should().ContainSingle();
        (await Host.StoredAsync(result.RequestId)).MachineIds.Should().HaveCount(4);
    }

    [Fact]
    public async Task ReturnMachines_WhenSomeNamesAreUnknown_ReportsThemAndReturnsTheRest()
    {
        var (_, machines) = await Host.RunningMachinesAsync(1);

        var result = await Return(new MachineReference("ghost.example"), new MachineReference(machines[0].HostName), new MachineReference(null, "i-unknown"));

        result.Returned.Should().ContainSingle();
        result.Unknown.Should().Equal("ghost.example", "i-unknown");
        result.Message.Should().Be("Return of 1 machine(s) started. Unknown machine(s): ghost.example, i-unknown.");
    }

    [Fact]
    public async Task ReturnMachines_WhenOneMachineIsNamedTwice_ReleasesItOnce()
    {
        var (_, machines) = await Host.RunningMachinesAsync(1);
        var machine = machines[0];

        var result = await Return(new MachineReference(machine.HostName), new MachineReference(machine.HostName, machine.Id.Value), new MachineReference(null, machine.ProviderMachineId));

        result.Returned.Should().Equal(machine.Id);
        Host.Provider.ReleasedMachines.Should().ContainSingle();
        (await Host.StoredAsync(result.RequestId)).RequestedCount.Should().Be(1);
    }

    [Fact]
    public async Task ReturnMachines_WhenAlreadyReturning_DoesNotReleaseAgain()
    {
        var (_, machines) = await Host.RunningMachinesAsync(1);
        Host.Provider.DefaultReleaseOutcome = ReleaseOutcome.Releasing;
        var first = await Return(new MachineReference(machines[0].HostName));

        var second = await Return(new MachineReference(machines[0].HostName));

        first.Status.Should().Be(RequestStatus.Releasing);
        second.Status.Should().Be(RequestStatus.Completed);
        second.Message.Should().Be($"No active machine. Already returning or terminated: {machines[0].HostName}.");
        second.AlreadyReturningOrTerminated.Should().Equal(machines[0].Id);
        Host.Provider.ReleasedMachines.Should().ContainSingle();
    }

    [Fact]
    public async Task ReturnMachines_WhenAlreadyTerminated_CreatesACompletedReturnWithNoActiveMachine()
    {
        var (requestId, machines) = await Host.RunningMachinesAsync(1);
        Host.Provider.Lose(machines[0].HostName);
        await Host.ExecuteAsync(new SyncRequests([requestId.Value]));
        (await Host.MachinesOfAsync(requestId)).Single().Status.Should().Be(MachineStatus.Running, "a completed request is not synced any more");

        var gone = await Return(new MachineReference(machines[0].HostName));
        var again = await Return(new MachineReference(machines[0].HostName));

        gone.Returned.Should().ContainSingle("the provider says already gone, so the release completes");
        again.Message.Should().StartWith(ReturnMachines.NoActiveMachine);
        again.Status.Should().Be(RequestStatus.Completed);
        (await Host.StatusAsync(again.RequestId)).Status.Should().Be("complete");
    }

    [Fact]
    public async Task ReturnMachines_WhenNothingIsKnown_StillCreatesACompletedReturnRequest()
    {
        var result = await Return(new MachineReference("ghost.example"));

        result.Status.Should().Be(RequestStatus.Completed);
        result.Message.Should().Be("No active machine. Unknown machine(s): ghost.example.");
        (await Host.StoredAsync(result.RequestId)).MachineIds.Should().BeEmpty();
        Host.Provider.ReleaseCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task ReturnMachines_WhenTheProviderIsStillReleasing_LeavesTheReturnReleasingUntilSyncSeesTermination()
    {
        var (_, machines) = await Host.RunningMachinesAsync(1);
        Host.Provider.DefaultReleaseOutcome = ReleaseOutcome.Releasing;

        var result = await Return(new MachineReference(machines[0].HostName));
        var whileReleasing = await Host.StatusAsync(result.RequestId);
        await Host.SyncAsync(result.RequestId);
        var afterSync = await Host.StatusAsync(result.RequestId);

        whileReleasing.Status.Should().Be("running");
        whileReleasing.Machines.Single().Should().Match<MachineStatusEntry>(m => m.Result == "executing" && m.Status == "shutting-down");
        afterSync.Status.Should().Be("complete");
        afterSync.Machines.Single().Result.Should().Be("succeed");
    }

    [Fact]
    public async Task ReturnMachines_WhenTheProviderRefuses_RecordsItsMessageAndLetsTheMachineBeReturnedAgain()
    {
        var (_, machines) = await Host.RunningMachinesAsync(2);
        Host.Provider.ScriptRelease(machines[0].HostName, ReleaseOutcome.Failed, "termination protection is on");

        var refused = await Return(machines.Select(m => new MachineReference(m.HostName)).ToArray());
        var status = await Host.StatusAsync(refused.RequestId);

        refused.Status.Should().Be(RequestStatus.CompletedWithErrors);
        status.Status.Should().Be("complete_with_error");
        status.Message.Should().Be($"1 machine(s) could not be released: {machines[0].Id}: termination protection is on.");
        status.Machines.Single(m => m.Machine.Id == machines[0].Id).Should().Match<MachineStatusEntry>(m => m.Result == "fail" && m.Message == "termination protection is on");
        var stored = (await Host.AllMachinesAsync()).Single(m => m.Id == machines[0].Id);
        stored.Should().Match<MachineSnapshot>(m => m.Status == MachineStatus.Running && m.ReturnRequestId == null && m.Message == "termination protection is on");

        Host.Provider.ScriptRelease(machines[0].HostName, ReleaseOutcome.Released);
        var retried = await Return(new MachineReference(machines[0].HostName));
        retried.Status.Should().Be(RequestStatus.Completed);
    }

    [Fact]
    public async Task ReturnMachines_WhenTheProviderThrows_RecordsTheFailureInsteadOfCrashing()
    {
        var (_, machines) = await Host.RunningMachinesAsync(1);
        Host.Provider.ReleaseThrows = new HttpRequestException("API down");

        var result = await Return(new MachineReference(machines[0].HostName));

        result.Status.Should().Be(RequestStatus.CompletedWithErrors);
        result.Message.Should().Contain("Provider 'fake' failed to release the machine: API down");
    }

    [Fact]
    public async Task ReturnMachines_WhenEmptyOrUnnamed_FailsValidation()
    {
        await FluentActions.Awaiting(() => Return()).Should().ThrowAsync<ValidationException>().WithMessage("*Machines: at least one entry is required*");
        await FluentActions.Awaiting(() => Return(new MachineReference(" ", null))).Should().ThrowAsync<ValidationException>().WithMessage("*Machines[0]: a machine needs a name or a machineId*");
        (await Host.AllRequestsAsync()).Should().BeEmpty();
    }

    protected async Task<ReturnMachinesResult> Return(params MachineReference[] machines) =>
        await Host.ExecuteAsync(new ReturnMachines(machines));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Host.DisposeAsync().AsTask();
}

/// <summary>The tests above on the in-memory stores, and those that need their injected conflicts or save counts.</summary>
public sealed class ReturnMachinesInMemoryTests() : ReturnMachinesTests(StoreKind.InMemory)
{
    [Fact]
    public async Task ReturnMachines_WhenAMachineSaveConflicts_ReappliesOnlyThatMachine()
    {
        var (_, machines) = await Host.RunningMachinesAsync(1);
        Host.Machines.InjectConflicts(3);

        var result = await Return(new MachineReference(machines[0].HostName));

        result.Status.Should().Be(RequestStatus.Completed);
        Host.Provider.ReleasedMachines.Should().ContainSingle();
        Host.Machines.PendingConflicts.Should().Be(0);
    }
}

/// <summary>The tests above on the JSON file store.</summary>
public sealed class ReturnMachinesJsonFilesTests() : ReturnMachinesTests(StoreKind.JsonFiles);
