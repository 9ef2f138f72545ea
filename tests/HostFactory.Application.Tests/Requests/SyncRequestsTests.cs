using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests;

/// <summary>SyncRequests through the buses, on the in-memory stores and on the JSON file store (the subclasses below).</summary>
public abstract class SyncRequestsTests(StoreKind store) : IAsyncLifetime
{
    protected HostFactoryTestHost Host { get; } = TestHosts.Create(store);

    [Fact]
    public async Task SyncRequests_WhenMachinesComeUp_CompletesTheRequestOnceAllRun()
    {
        await Host.CreateTemplateAsync();
        Host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(1), MachineScript.RunningAfter(2)));
        var request = await Host.RequestAsync(2);

        var first = await Host.ExecuteAsync(new SyncRequests());
        var halfway = await Host.StatusAsync(request.RequestId);
        var second = await Host.ExecuteAsync(new SyncRequests());
        var done = await Host.StatusAsync(request.RequestId);

        first.Changed.Should().Be(0);
        halfway.Status.Should().Be("running");
        halfway.Machines.Select(m => m.Result).Should().Equal("succeed", "executing");
        second.Requests.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Before = RequestStatus.Provisioning, After = RequestStatus.Completed });
        done.Status.Should().Be("complete");
        done.Machines.Should().OnlyContain(m => m.Result == "succeed" && m.Status == "running" && m.Machine.PrivateIpAddress.StartsWith("10.0.", StringComparison.Ordinal));
        Host.DomainEvents<RequestCompleted>().Should().ContainSingle().Which.Status.Should().Be(RequestStatus.Completed);
        (await Host.StoredAsync(request.RequestId)).SyncAttempts.Should().Be(2);
    }

    [Fact]
    public async Task SyncRequests_WhenAMachineFails_CompletesWithErrorsAndReleasesTheFailedMachine()
    {
        await Host.CreateTemplateAsync();
        Host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(1), MachineScript.FailsAfter(1, "kernel panic")));
        var request = await Host.RequestAsync(2);

        await Host.SyncAsync(request.RequestId);
        var status = await Host.StatusAsync(request.RequestId);

        status.Status.Should().Be("complete_with_error");
        var failed = status.Machines.Should().ContainSingle(m => m.Result == "fail").Subject;
        status.Message.Should().Be($"1 machine(s) failed: {failed.Machine.Id}: kernel panic.");
        failed.Message.Should().Be("kernel panic");
        failed.Machine.Status.Should().Be(MachineStatus.Terminated, "a machine Host Factory never received is released, not leaked");
        Host.Provider.ReleasedMachines.Should().ContainSingle().Which.MachineId.Should().Be(failed.Machine.Id);
        (await Host.AllRequestsAsync()).Should().NotContain(r => r.Kind == RequestKind.Return, "Host Factory holds nothing to return");
    }

    [Fact]
    public async Task SyncRequests_WhenMachinesHangPastTheDeadline_TimesOutAndReturnsThem()
    {
        await Host.CreateTemplateAsync(TestTemplates.Definition(requestTimeout: TimeSpan.FromMinutes(10)));
        Host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(1), MachineScript.Hangs));
        var request = await Host.RequestAsync(2);
        await Host.SyncAsync(request.RequestId);

        Host.Clock.Advance(TimeSpan.FromMinutes(9));
        var beforeDeadline = await Host.SyncAsync(request.RequestId);
        Host.Clock.Advance(TimeSpan.FromMinutes(2));
        var afterDeadline = await Host.SyncAsync(request.RequestId);
        var status = await Host.StatusAsync(request.RequestId);

        beforeDeadline.Changed.Should().Be(0);
        afterDeadline.Requests.Single().After.Should().Be(RequestStatus.TimedOut);
        status.Status.Should().Be("complete_with_error");
        status.Message.Should().StartWith("The request did not finish before its deadline");
        var hung = status.Machines.Should().ContainSingle(m => m.Result == "fail").Subject;
        hung.Machine.Status.Should().Be(MachineStatus.Terminated, "a machine that never came up is released, not leaked");
        hung.Message.Should().Be("The request ended (timed_out) before the machine was usable; it was released.");
        status.Machines.Should().ContainSingle(m => m.Result == "succeed", "the running machine is Host Factory's to return");
        Host.Provider.ReleasedMachines.Should().ContainSingle().Which.MachineId.Should().Be(hung.Machine.Id);
    }

    [Fact]
    public async Task SyncRequests_WhenARequestIsStillPendingPastItsDeadline_FailsItWithoutCallingTheProvider()
    {
        var clock = Host.Clock;
        var stuck = Request.CreateAcquire(new TemplateId(TestTemplates.DefaultId), 1, TimeSpan.FromMinutes(1), clock);
        await Host.RequestStore.SaveAsync(stuck, default);
        await Host.SyncAsync(stuck.Id);
        Host.Clock.Advance(TimeSpan.FromMinutes(2));

        var summary = await Host.SyncAsync(stuck.Id);

        summary.Requests.Single().Should().BeEquivalentTo(new { Before = RequestStatus.Pending, After = RequestStatus.Failed });
        (await Host.StoredAsync(stuck.Id)).Message.Should().Contain("never handed to the provider");
        Host.Provider.ProvisionCalls.Should().BeEmpty();
        Host.Provider.DescribeCalls.Should().Be(0);
    }

    [Fact]
    public async Task SyncRequests_WhenTheProviderCannotDescribe_ReportsItAndLeavesTheRequestForLater()
    {
        await Host.CreateTemplateAsync();
        var request = await Host.RequestAsync(1);
        Host.Provider.DescribeThrows = new HttpRequestException("throttled");

        var failing = await Host.SyncAsync(request.RequestId);
        Host.Provider.DescribeThrows = null;
        var recovered = await Host.SyncAsync(request.RequestId);

        failing.Requests.Single().Problems.Should().Equal("Provider 'fake' failed to describe 1 machine(s): throttled");
        failing.Requests.Single().After.Should().Be(RequestStatus.Provisioning);
        recovered.Requests.Single().After.Should().Be(RequestStatus.Completed);
    }

    [Fact]
    public async Task SyncRequests_WhenTheProviderIsNoLongerConfigured_ReportsItAndLeavesTheRequestForLater()
    {
        await Host.CreateTemplateAsync();
        var request = await Host.RequestAsync(2);
        Host.Providers.Remove(FakeMachineProvider.DefaultName);

        var summary = await Host.SyncAsync(request.RequestId);

        summary.Requests.Single().Problems.Should().Equal("Provider 'fake' is not configured, so it could not describe 2 machine(s).");
        summary.Requests.Single().After.Should().Be(RequestStatus.Provisioning);
    }

    [Fact]
    public async Task SyncRequests_WhenIdsGiven_SyncsOnlyThoseAndReportsUnknownOnes()
    {
        await Host.CreateTemplateAsync();
        var synced = await Host.RequestAsync(1);
        var untouched = await Host.RequestAsync(1);
        var unknown = RequestId.NewAcquire();

        var summary = await Host.ExecuteAsync(new SyncRequests([synced.RequestId.Value, unknown.Value]));

        summary.Requests.Select(r => (r.RequestId, r.Found)).Should().Equal((synced.RequestId, true), (unknown, false));
        (await Host.StoredAsync(untouched.RequestId)).Status.Should().Be(RequestStatus.Provisioning);
    }

    [Fact]
    public async Task SyncRequests_WhenAnIdIsMalformed_FailsValidation() =>
        await FluentActions.Awaiting(() => Host.ExecuteAsync(new SyncRequests(["req-nope"])).AsTask())
            .Should().ThrowAsync<ValidationException>().WithMessage("*RequestIds[0]*");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Host.DisposeAsync().AsTask();
}

/// <summary>The tests above on the in-memory stores, and those that need their injected conflicts or save counts.</summary>
public sealed class SyncRequestsInMemoryTests() : SyncRequestsTests(StoreKind.InMemory)
{
    [Fact]
    public async Task SyncRequests_WhenAllIsFinished_ChangesNothing()
    {
        var (requestId, _) = await Host.RunningMachinesAsync(1);
        var saves = Host.Requests.SaveCount;

        var summary = await Host.ExecuteAsync(new SyncRequests());

        summary.Requests.Should().BeEmpty();
        Host.Requests.SaveCount.Should().Be(saves);
        (await Host.SyncAsync(requestId)).Requests.Single().Changed.Should().BeFalse();
    }

    [Fact]
    public async Task SyncRequests_WhenMachineSavesConflict_ReappliesTheObservation()
    {
        await Host.CreateTemplateAsync();
        var request = await Host.RequestAsync(2);
        Host.Machines.InjectConflicts(2);

        await Host.SyncAsync(request.RequestId);

        (await Host.StatusAsync(request.RequestId)).Status.Should().Be("complete");
        Host.Provider.DescribeCalls.Should().Be(1, "only the save is retried, not the provider call");
    }
}

/// <summary>The tests above on the JSON file store.</summary>
public sealed class SyncRequestsJsonFilesTests() : SyncRequestsTests(StoreKind.JsonFiles);
