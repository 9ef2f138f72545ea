using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests;

public sealed class SyncRequestsTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create();

    [Fact]
    public async Task SyncRequests_WhenMachinesComeUp_CompletesTheRequestOnceAllRun()
    {
        await _host.CreateTemplateAsync();
        _host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(1), MachineScript.RunningAfter(2)));
        var request = await _host.RequestAsync(2);

        var first = await _host.ExecuteAsync(new SyncRequests());
        var halfway = await _host.StatusAsync(request.RequestId);
        var second = await _host.ExecuteAsync(new SyncRequests());
        var done = await _host.StatusAsync(request.RequestId);

        first.Changed.Should().Be(0);
        halfway.Status.Should().Be("running");
        halfway.Machines.Select(m => m.Result).Should().Equal("succeed", "executing");
        second.Requests.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Before = RequestStatus.Provisioning, After = RequestStatus.Completed });
        done.Status.Should().Be("complete");
        done.Machines.Should().OnlyContain(m => m.Result == "succeed" && m.Status == "running" && m.Machine.PrivateIpAddress.StartsWith("10.0.", StringComparison.Ordinal));
        _host.DomainEvents<RequestCompleted>().Should().ContainSingle().Which.Status.Should().Be(RequestStatus.Completed);
        (await _host.Requests.GetAsync(request.RequestId, default))!.SyncAttempts.Should().Be(2);
    }

    [Fact]
    public async Task SyncRequests_WhenAMachineFails_CompletesWithErrorsAndReleasesTheFailedMachine()
    {
        await _host.CreateTemplateAsync();
        _host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(1), MachineScript.FailsAfter(1, "kernel panic")));
        var request = await _host.RequestAsync(2);

        await _host.SyncAsync(request.RequestId);
        var status = await _host.StatusAsync(request.RequestId);

        status.Status.Should().Be("complete_with_error");
        var failed = status.Machines.Should().ContainSingle(m => m.Result == "fail").Subject;
        status.Message.Should().Be($"1 machine(s) failed: {failed.Machine.Id}: kernel panic.");
        failed.Message.Should().Be("kernel panic");
        failed.Machine.Status.Should().Be(MachineStatus.Terminated, "a machine Host Factory never received is released, not leaked");
        _host.Provider.ReleasedMachines.Should().ContainSingle().Which.MachineId.Should().Be(failed.Machine.Id);
        _host.Requests.All.Should().NotContain(r => r.Kind == RequestKind.Return, "Host Factory holds nothing to return");
    }

    [Fact]
    public async Task SyncRequests_WhenMachinesHangPastTheDeadline_TimesOutAndReturnsThem()
    {
        await _host.CreateTemplateAsync(TestTemplates.Definition(requestTimeout: TimeSpan.FromMinutes(10)));
        _host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(1), MachineScript.Hangs));
        var request = await _host.RequestAsync(2);
        await _host.SyncAsync(request.RequestId);

        _host.Clock.Advance(TimeSpan.FromMinutes(9));
        var beforeDeadline = await _host.SyncAsync(request.RequestId);
        _host.Clock.Advance(TimeSpan.FromMinutes(2));
        var afterDeadline = await _host.SyncAsync(request.RequestId);
        var status = await _host.StatusAsync(request.RequestId);

        beforeDeadline.Changed.Should().Be(0);
        afterDeadline.Requests.Single().After.Should().Be(RequestStatus.TimedOut);
        status.Status.Should().Be("complete_with_error");
        status.Message.Should().StartWith("The request did not finish before its deadline");
        var hung = status.Machines.Should().ContainSingle(m => m.Result == "fail").Subject;
        hung.Machine.Status.Should().Be(MachineStatus.Terminated, "a machine that never came up is released, not leaked");
        hung.Message.Should().Be("The request ended (timed_out) before the machine was usable; it was released.");
        status.Machines.Should().ContainSingle(m => m.Result == "succeed", "the running machine is Host Factory's to return");
        _host.Provider.ReleasedMachines.Should().ContainSingle().Which.MachineId.Should().Be(hung.Machine.Id);
    }

    [Fact]
    public async Task SyncRequests_WhenARequestIsStillPendingPastItsDeadline_FailsItWithoutCallingTheProvider()
    {
        var clock = _host.Clock;
        var stuck = Request.CreateAcquire(new TemplateId(TestTemplates.DefaultId), 1, TimeSpan.FromMinutes(1), clock);
        await _host.Requests.SaveAsync(stuck, default);
        await _host.SyncAsync(stuck.Id);
        _host.Clock.Advance(TimeSpan.FromMinutes(2));

        var summary = await _host.SyncAsync(stuck.Id);

        summary.Requests.Single().Should().BeEquivalentTo(new { Before = RequestStatus.Pending, After = RequestStatus.Failed });
        (await _host.Requests.GetAsync(stuck.Id, default))!.Message.Should().Contain("never handed to the provider");
        _host.Provider.ProvisionCalls.Should().BeEmpty();
        _host.Provider.DescribeCalls.Should().Be(0);
    }

    [Fact]
    public async Task SyncRequests_WhenTheProviderCannotDescribe_ReportsItAndLeavesTheRequestForLater()
    {
        await _host.CreateTemplateAsync();
        var request = await _host.RequestAsync(1);
        _host.Provider.DescribeThrows = new HttpRequestException("throttled");

        var failing = await _host.SyncAsync(request.RequestId);
        _host.Provider.DescribeThrows = null;
        var recovered = await _host.SyncAsync(request.RequestId);

        failing.Requests.Single().Problems.Should().Equal("Provider 'fake' failed to describe 1 machine(s): throttled");
        failing.Requests.Single().After.Should().Be(RequestStatus.Provisioning);
        recovered.Requests.Single().After.Should().Be(RequestStatus.Completed);
    }

    [Fact]
    public async Task SyncRequests_WhenTheProviderIsNoLongerConfigured_ReportsItAndLeavesTheRequestForLater()
    {
        await _host.CreateTemplateAsync();
        var request = await _host.RequestAsync(2);
        _host.Providers.Remove(FakeMachineProvider.DefaultName);

        var summary = await _host.SyncAsync(request.RequestId);

        summary.Requests.Single().Problems.Should().Equal("Provider 'fake' is not configured, so it could not describe 2 machine(s).");
        summary.Requests.Single().After.Should().Be(RequestStatus.Provisioning);
    }

    [Fact]
    public async Task SyncRequests_WhenIdsGiven_SyncsOnlyThoseAndReportsUnknownOnes()
    {
        await _host.CreateTemplateAsync();
        var synced = await _host.RequestAsync(1);
        var untouched = await _host.RequestAsync(1);
        var unknown = RequestId.NewAcquire();

        var summary = await _host.ExecuteAsync(new SyncRequests([synced.RequestId.Value, unknown.Value]));

        summary.Requests.Select(r => (r.RequestId, r.Found)).Should().Equal((synced.RequestId, true), (unknown, false));
        (await _host.Requests.GetAsync(untouched.RequestId, default))!.Status.Should().Be(RequestStatus.Provisioning);
    }

    [Fact]
    public async Task SyncRequests_WhenAnIdIsMalformed_FailsValidation() =>
        await FluentActions.Awaiting(() => _host.ExecuteAsync(new SyncRequests(["req-nope"])).AsTask())
            .Should().ThrowAsync<ValidationException>().WithMessage("*RequestIds[0]*");

    [Fact]
    public async Task SyncRequests_WhenAllIsFinished_ChangesNothing()
    {
        var (requestId, _) = await _host.RunningMachinesAsync(1);
        var saves = _host.Requests.SaveCount;

        var summary = await _host.ExecuteAsync(new SyncRequests());

        summary.Requests.Should().BeEmpty();
        _host.Requests.SaveCount.Should().Be(saves);
        (await _host.SyncAsync(requestId)).Requests.Single().Changed.Should().BeFalse();
    }

    [Fact]
    public async Task SyncRequests_WhenMachineSavesConflict_ReappliesTheObservation()
    {
        await _host.CreateTemplateAsync();
        var request = await _host.RequestAsync(2);
        _host.Machines.InjectConflicts(2);

        await _host.SyncAsync(request.RequestId);

        (await _host.StatusAsync(request.RequestId)).Status.Should().Be("complete");
        _host.Provider.DescribeCalls.Should().Be(1, "only the save is retried, not the provider call");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
