using HostFactory.Application.Requests;
using HostFactory.Application.Templates;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests;

public sealed class RetryStuckProvisionsTests : IAsyncLifetime
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create();

    [Fact]
    public async Task RetryStuckProvisions_WhenARequestStaysPendingPastStaleAfter_ProvisionsItAndSyncCompletesIt()
    {
        var stuck = await StuckRequestAsync(count: 2);
        _host.Clock.Advance(StaleAfter);

        var result = await RetryAsync();
        await _host.SyncAsync(stuck.Id);

        result.Retried.Should().ContainSingle().Which.Should().BeEquivalentTo(new { RequestId = stuck.Id, Attempt = 1, Status = RequestStatus.Provisioning, Adopted = 0, Made = 2 });
        _host.Provider.ProvisionCalls.Should().ContainSingle().Which.Should().BeEquivalentTo(new { RequestId = stuck.Id, Count = 2 });
        var saved = await _host.Requests.GetAsync(stuck.Id, default);
        saved!.Status.Should().Be(RequestStatus.Completed);
        saved.MachineIds.Should().HaveCount(2);
    }

    [Fact]
    public async Task RetryStuckProvisions_WhenThePendingRequestIsNotStaleYet_LeavesItAlone()
    {
        await StuckRequestAsync(count: 1);
        _host.Clock.Advance(StaleAfter - TimeSpan.FromSeconds(1));

        var result = await RetryAsync();

        result.Retried.Should().BeEmpty();
        _host.Provider.ProvisionCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task RetryStuckProvisions_WhenTheStoppedProcessRecordedMachines_AdoptsThemAndAsksOnlyForTheRest()
    {
        var stuck = await StuckRequestAsync(count: 3);
        var template = (await _host.Templates.FindAsync(new TemplateId(TestTemplates.DefaultId), default))!.ToSnapshot();
        var early = await _host.Provider.ProvisionAsync(new ProvisionRequest(stuck.ProvisionKey, template, 1), default);
        var orphan = Machine.Provision(MachineId.New(), stuck.Id, template.Id, FakeMachineProvider.DefaultName, early.Machines.Single(), _host.Clock);
        await _host.Machines.SaveAsync(orphan, default);
        _host.Clock.Advance(StaleAfter);

        var result = await RetryAsync();

        result.Retried.Single().Should().BeEquivalentTo(new { Status = RequestStatus.Provisioning, Adopted = 1, Made = 2 });
        _host.Provider.ProvisionCalls.Select(c => c.Count).Should().Equal(1, 2);
        (await _host.Requests.GetAsync(stuck.Id, default))!.MachineIds.Should().HaveCount(3).And.Contain(orphan.Id);
    }

    [Fact]
    public async Task RetryStuckProvisions_WhenEveryRetryMakesNothing_LeavesItPendingThenFailsItOnTheLast()
    {
        var stuck = await StuckRequestAsync(count: 1);
        _host.Provider.EnqueueProvision(ProvisionScript.Failure("quota exceeded")).EnqueueProvision(ProvisionScript.Failure("quota still exceeded"));

        _host.Clock.Advance(StaleAfter);
        var first = await RetryAsync(maxRetries: 2);
        var tooSoon = await RetryAsync(maxRetries: 2);
        _host.Clock.Advance(StaleAfter);
        var second = await RetryAsync(maxRetries: 2);
        _host.Clock.Advance(StaleAfter);
        var exhausted = await RetryAsync(maxRetries: 2);

        first.Retried.Single().Should().BeEquivalentTo(new { Attempt = 1, Status = RequestStatus.Pending, Message = "Retry 1 of 2 made no machine: quota exceeded" });
        tooSoon.Retried.Should().BeEmpty("a retry counts as a change: the request must be stale again before the next one");
        second.Retried.Single().Should().BeEquivalentTo(new { Attempt = 2, Status = RequestStatus.Failed });
        exhausted.Retried.Should().BeEmpty();
        var saved = await _host.Requests.GetAsync(stuck.Id, default);
        saved!.Status.Should().Be(RequestStatus.Failed);
        saved.Message.Should().Be("The request was stuck and its last retry made no machine: quota still exceeded");
        _host.Provider.ProvisionCalls.Should().HaveCount(2);
    }

    [Fact]
    public async Task RetryStuckProvisions_WhenNoRetryIsAllowed_NeverCallsTheProvider()
    {
        await StuckRequestAsync(count: 1);
        _host.Clock.Advance(StaleAfter);

        var result = await RetryAsync(maxRetries: 0);

        result.Retried.Should().BeEmpty();
        _host.Provider.ProvisionCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task RetryStuckProvisions_WhenAnotherProcessSavesTheRequestFirst_DoesNotProvision()
    {
        var stuck = await StuckRequestAsync(count: 1);
        _host.Clock.Advance(StaleAfter);
        _host.Requests.InjectConflicts(1, id => id == stuck.Id);

        var result = await RetryAsync();

        result.Retried.Should().BeEmpty();
        _host.Provider.ProvisionCalls.Should().BeEmpty("a request someone else changed may be in the middle of its provision");
    }

    [Fact]
    public async Task RetryStuckProvisions_WhenTheRequestIsPastItsDeadline_LeavesItToSync()
    {
        var stuck = await StuckRequestAsync(count: 1, timeout: TimeSpan.FromMinutes(10));
        _host.Clock.Advance(TimeSpan.FromMinutes(11));

        var result = await RetryAsync();

        result.Retried.Should().BeEmpty();
        (await _host.Requests.GetAsync(stuck.Id, default))!.Status.Should().Be(RequestStatus.Pending);
    }

    [Fact]
    public async Task RetryStuckProvisions_WhenTheTemplateIsDisabled_FailsTheRequestWithoutCallingTheProvider()
    {
        var stuck = await StuckRequestAsync(count: 1);
        await _host.ExecuteAsync(new UpdateTemplate(TestTemplates.Definition(enabled: false)));
        _host.Clock.Advance(StaleAfter);

        var result = await RetryAsync();

        result.Retried.Single().Should().BeEquivalentTo(new { Status = RequestStatus.Failed, Message = $"Template '{TestTemplates.DefaultId}' is disabled, so the request, whose call was interrupted, cannot be recovered." });
        _host.Provider.ProvisionCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task RetryStuckProvisions_WhenTheSettingsAreOutOfRange_IsRefusedNamingThem()
    {
        var invoking = () => _host.ExecuteAsync(new RetryStuckProvisions(TimeSpan.Zero, 11)).AsTask();

        var refused = await invoking.Should().ThrowAsync<ValidationException>();
        refused.Which.Errors.Select(e => e.Member).Should().Equal("StaleAfter", "MaxRetries");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    private ValueTask<RetryStuckProvisionsResult> RetryAsync(int maxRetries = 2) =>
        _host.ExecuteAsync(new RetryStuckProvisions(StaleAfter, maxRetries));

    /// <summary>A request saved as the first step of requestMachines, by a process that then stopped.</summary>
    private async Task<Request> StuckRequestAsync(int count, TimeSpan? timeout = null)
    {
        await _host.CreateTemplateAsync();
        var stuck = Request.CreateAcquire(new TemplateId(TestTemplates.DefaultId), count, timeout ?? TimeSpan.FromMinutes(30), _host.Clock);
        await _host.Requests.SaveAsync(stuck, default);
        return stuck;
    }
}
