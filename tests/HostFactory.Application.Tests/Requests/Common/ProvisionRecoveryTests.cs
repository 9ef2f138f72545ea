using HostFactory.Application.Requests;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests.Common;

/// <summary>
/// A requestMachines or requestReturnMachines call whose process dies part-way (played by cancelling the caller's token
/// inside the fake provider, which keeps what it made) is recovered by the first status call once the call cannot be
/// running any more: what the provider made is adopted, nothing is made twice, nothing is leaked.
/// </summary>
public sealed class ProvisionRecoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan CallLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create(options =>
        options.ConfigureApplication = application => application.InterruptedCallGrace = Grace);

    public ProvisionRecoveryTests() => _host.Providers.CallLimit = CallLimit;

    [Fact]
    public async Task SyncRequests_WhenTheCallDiedAfterTheProviderMadeMachines_AdoptsThemAndMakesNone()
    {
        var request = await InterruptedAfterMakingAsync(count: 2);
        _host.Provider.Machines.Should().HaveCount(2);
        (await _host.MachinesOfAsync(request)).Should().BeEmpty("the call died before it recorded them");

        _host.Clock.Advance(CallLimit + Grace);
        await _host.SyncAsync(request);

        var saved = (await _host.Requests.GetAsync(request, default))!;
        saved.Status.Should().Be(RequestStatus.Provisioning);
        saved.Message.Should().Be("Recovered 2 machine(s) made by an interrupted call.");
        saved.MachineIds.Should().HaveCount(2);
        (await _host.MachinesOfAsync(request)).Select(m => m.ProviderMachineId).Should().BeEquivalentTo(_host.Provider.Machines.Select(m => m.ProviderMachineId));
        _host.Provider.ProvisionCalls.Should().ContainSingle("the machines the interrupted call made are adopted, not made again");
        _host.Provider.Machines.Should().HaveCount(2);
    }

    [Fact]
    public async Task GetRequestStatus_AfterARecovery_SaysWhatHappenedAndCompletesWhenTheMachinesRun()
    {
        var request = await InterruptedAfterMakingAsync(count: 1);
        _host.Clock.Advance(CallLimit + Grace);

        await _host.SyncAsync(request);
        await _host.SyncAsync(request);
        var status = await _host.StatusAsync(request);

        status.Should().BeEquivalentTo(new { Status = "complete", Message = "Recovered 1 machine(s) made by an interrupted call." });
        status.Machines.Should().ContainSingle().Which.Result.Should().Be("succeed");
    }

    [Fact]
    public async Task SyncRequests_WhileTheCallCanStillBeRunning_LeavesThePendingRequestAlone()
    {
        var request = await InterruptedAfterMakingAsync(count: 2);

        _host.Clock.Advance(CallLimit + Grace - TimeSpan.FromSeconds(1));
        await _host.SyncAsync(request);

        var saved = (await _host.Requests.GetAsync(request, default))!;
        saved.Should().BeEquivalentTo(new { Status = RequestStatus.Pending, SyncAttempts = 0 });
        (await _host.MachinesOfAsync(request)).Should().BeEmpty();
    }

    [Fact]
    public async Task SyncRequests_WhenTheCallDiedBeforeTheProviderMadeAnything_ProvisionsAgainUnderTheSameKey()
    {
        var request = await InterruptedAsync(count: 2, afterMaking: false);
        _host.Provider.Machines.Should().BeEmpty();

        _host.Clock.Advance(CallLimit + Grace);
        await _host.SyncAsync(request);

        _host.Provider.ProvisionCalls.Select(c => c.Key).Should().Equal(new ProvisionKey(request, 0), new ProvisionKey(request, 0));
        var saved = (await _host.Requests.GetAsync(request, default))!;
        saved.Status.Should().Be(RequestStatus.Provisioning);
        saved.MachineIds.Should().HaveCount(2);
        saved.Message.Should().Be("The call that saved the request was interrupted; the provider was asked again under the same key and reported 2 of 2 machine(s).");
    }

    [Fact]
    public async Task SyncRequests_WhenTheInterruptedCallMadeFewerThanAsked_AdoptsThemAndAsksForTheRestUnderTheNextAttempt()
    {
        _host.Provider.EnqueueProvision(ProvisionScript.Partial(1, "capacity"));
        var request = await InterruptedAfterMakingAsync(count: 3);

        _host.Clock.Advance(CallLimit + Grace);
        await _host.SyncAsync(request);

        _host.Provider.ProvisionCalls.Select(c => (c.Key.Attempt, c.Count)).Should().Equal((0, 3), (1, 2));
        var saved = (await _host.Requests.GetAsync(request, default))!;
        saved.Should().BeEquivalentTo(new { Status = RequestStatus.Provisioning, ProvisionAttempt = 1 });
        saved.MachineIds.Should().HaveCount(3);
        saved.Message.Should().Be("Recovered 1 machine(s) made by an interrupted call. The provider made 2 of the 2 more needed.");
        _host.Provider.Machines.Should().HaveCount(3);
    }

    [Fact]
    public async Task SyncRequests_WhenTheProviderCannotListWhatItHolds_AsksAgainUnderTheSameKeyAndGetsTheSameMachines()
    {
        _host.Provider.CanListHeld = false;
        var request = await InterruptedAfterMakingAsync(count: 2);
        var made = _host.Provider.Machines.Select(m => m.ProviderMachineId).ToList();

        _host.Clock.Advance(CallLimit + Grace);
        await _host.SyncAsync(request);

        _host.Provider.ProvisionCalls.Select(c => c.Key).Should().Equal(new ProvisionKey(request, 0), new ProvisionKey(request, 0));
        _host.Provider.Machines.Select(m => m.ProviderMachineId).Should().Equal(made, "a provider asked again under a key it served makes no new machines");
        var saved = (await _host.Requests.GetAsync(request, default))!;
        saved.MachineIds.Should().HaveCount(2);
        (await _host.MachinesOfAsync(request)).Select(m => m.ProviderMachineId).Should().BeEquivalentTo(made);
    }

    [Fact]
    public async Task SyncRequests_WhenTheCallDiedAfterRecordingTheMachines_AdoptsTheRecordsWithoutRecordingThemTwice()
    {
        await _host.CreateTemplateAsync();
        var stuck = Request.CreateAcquire(new TemplateId(TestTemplates.DefaultId), 2, TimeSpan.FromMinutes(30), _host.Clock);
        await _host.Requests.SaveAsync(stuck, default);
        var template = (await _host.Templates.FindAsync(stuck.TemplateId!.Value, default))!;
        var made = await _host.Provider.ProvisionAsync(new ProvisionRequest(stuck.ProvisionKey, template.ToSnapshot(), 2), default);
        foreach (var machine in made.Machines)
        {
            await _host.Machines.SaveAsync(Machine.Provision(MachineId.New(), stuck.Id, template.Id, FakeMachineProvider.DefaultName, machine, _host.Clock), default);
        }

        _host.Clock.Advance(CallLimit + Grace);
        await _host.SyncAsync(stuck.Id);

        (await _host.MachinesOfAsync(stuck.Id)).Should().HaveCount(2, "the records the interrupted call saved are taken, not copied");
        (await _host.Requests.GetAsync(stuck.Id, default))!.Should().BeEquivalentTo(new { Status = RequestStatus.Provisioning, Message = "Recovered 2 machine(s) made by an interrupted call." });
        _host.Provider.ProvisionCalls.Should().ContainSingle();
    }

    [Fact]
    public async Task SyncRequests_WhenAnotherProcessClaimsTheRequestFirst_DoesNotTouchTheProvider()
    {
        var request = await InterruptedAfterMakingAsync(count: 1);
        _host.Clock.Advance(CallLimit + Grace);
        _host.Requests.InjectConflicts(1, id => id == request);

        await _host.SyncAsync(request);

        (await _host.MachinesOfAsync(request)).Should().BeEmpty("the claim lost: the winner records the machines");
        _host.Provider.ProvisionCalls.Should().ContainSingle();
        (await _host.Requests.GetAsync(request, default))!.Status.Should().Be(RequestStatus.Pending);
    }

    [Fact]
    public async Task SyncRequests_WhenTheRecoveryItselfMakesNothing_FailsTheRequestWithTheProvidersReason()
    {
        var request = await InterruptedAsync(count: 1, afterMaking: false);
        _host.Provider.EnqueueProvision(ProvisionScript.Failure("quota exceeded"));

        _host.Clock.Advance(CallLimit + Grace);
        await _host.SyncAsync(request);

        (await _host.Requests.GetAsync(request, default))!.Should().BeEquivalentTo(new
        {
            Status = RequestStatus.Failed,
            Message = "The call that made the request was interrupted, and asking the provider again made no machine: quota exceeded",
        });
    }

    [Fact]
    public async Task SyncRequests_WhenTheInterruptedRequestReachesItsDeadline_FailsItAndReleasesWhatTheProviderMade()
    {
        _host.Provider.ListHeldThrows = new TransientFailure("the provider's listing is down");
        var request = await InterruptedAfterMakingAsync(count: 2);
        _host.Clock.Advance(CallLimit + Grace);
        await _host.SyncAsync(request);
        (await _host.Requests.GetAsync(request, default))!.Status.Should().Be(RequestStatus.Pending, "a provider that cannot say what it holds is asked again later");

        _host.Provider.ListHeldThrows = null;
        _host.Clock.Advance(TimeSpan.FromMinutes(30));
        await _host.SyncAsync(request);

        (await _host.Requests.GetAsync(request, default))!.Status.Should().Be(RequestStatus.Failed);
        _host.Provider.Machines.Should().OnlyContain(m => m.Released, "machines nobody ever received are released, none leaked");
        (await _host.MachinesOfAsync(request)).Should().HaveCount(2).And.OnlyContain(m => m.Status == MachineStatus.Terminated);
    }

    [Fact]
    public async Task SyncRequests_WhenTheRequestIsCancelledWhileARecoveryWorks_ReleasesWhatTheRecoveryAdoptedAndMade()
    {
        _host.Provider.EnqueueProvision(ProvisionScript.Partial(1, "capacity"));
        var request = await InterruptedAfterMakingAsync(count: 2);
        _host.Clock.Advance(CallLimit + Grace);
        _host.Provider.BeforeProvision = async (_, token) => await _host.ExecuteAsync(new CancelRequest(request.Value, "operator"), token);

        await _host.SyncAsync(request);

        (await _host.Requests.GetAsync(request, default))!.Status.Should().Be(RequestStatus.Cancelled);
        _host.Provider.Machines.Should().HaveCount(2).And.OnlyContain(m => m.Released, "the adopted machine and the one the recovery made are both released");
    }

    [Fact]
    public async Task SyncRequests_WhenAReturnDiedAfterTheProviderReleasedTheMachines_FinishesItOnTheNextStatusCall()
    {
        var (_, running) = await _host.RunningMachinesAsync(2);
        using var dying = new CancellationTokenSource();
        _host.Provider.AfterRelease = (_, _) =>
        {
            dying.Cancel();
            return Task.CompletedTask;
        };
        var returning = () => _host.ExecuteAsync(new ReturnMachines([.. running.Select(m => new MachineReference(m.HostName, null))]), dying.Token).AsTask();
        await returning.Should().ThrowAsync<OperationCanceledException>();
        _host.Provider.AfterRelease = null;
        var ret = _host.Requests.All.Single(r => r.Kind == RequestKind.Return);
        ret.Status.Should().Be(RequestStatus.Pending);
        _host.Machines.All.Should().OnlyContain(m => m.Status == MachineStatus.Running, "the death came before the releases were recorded");

        _host.Clock.Advance(CallLimit + Grace);
        await _host.SyncAsync(ret.Id);

        var saved = (await _host.Requests.GetAsync(ret.Id, default))!;
        saved.Should().BeEquivalentTo(new { Status = RequestStatus.Completed, Message = "The call that made this return was interrupted; it was resumed and its machines released." });
        _host.Machines.All.Should().OnlyContain(m => m.Status == MachineStatus.Terminated && m.ReturnRequestId == ret.Id);
    }

    [Fact]
    public async Task SyncRequests_WhenAReturnDiedBeforeClaimingItsMachines_ClaimsAndReleasesThem()
    {
        var (_, running) = await _host.RunningMachinesAsync(1);
        var ret = Request.CreateReturn([running.Single().Id], TimeSpan.FromMinutes(30), _host.Clock);
        await _host.Requests.SaveAsync(ret, default);

        _host.Clock.Advance(CallLimit + Grace);
        await _host.SyncAsync(ret.Id);

        (await _host.Requests.GetAsync(ret.Id, default))!.Status.Should().Be(RequestStatus.Completed);
        _host.Provider.Machines.Should().ContainSingle().Which.Released.Should().BeTrue();
    }

    [Fact]
    public async Task SyncRequests_WhenAReturnDiedAfterClaimingSomeMachinesBeforeAnyRelease_ClaimsTheRestAndReleasesEachOnce()
    {
        var (_, running) = await _host.RunningMachinesAsync(2);
        var ret = Request.CreateReturn([.. running.Select(m => m.Id)], TimeSpan.FromMinutes(30), _host.Clock);
        await _host.Requests.SaveAsync(ret, default);
        var claimed = (await _host.Machines.FindAsync(running[0].Id, default))!;
        claimed.BeginReturn(ret.Id, _host.Clock);
        await _host.Machines.SaveAsync(claimed, default);

        _host.Clock.Advance(CallLimit + Grace);
        await _host.SyncAsync(ret.Id);

        (await _host.Requests.GetAsync(ret.Id, default))!.Status.Should().Be(RequestStatus.Completed);
        _host.Provider.ReleasedMachines.Select(m => m.ProviderMachineId).Should().BeEquivalentTo(running.Select(m => m.ProviderMachineId), "each machine is released once");
        _host.Machines.All.Should().OnlyContain(m => m.Status == MachineStatus.Terminated && m.ReturnRequestId == ret.Id);
    }

    [Fact]
    public async Task RequestMachines_WhenARecoveryClaimedTheRequestWhileTheCallStillRan_LeavesItsMachinesToTheRecovery()
    {
        await _host.CreateTemplateAsync();
        var recovered = false;
        _host.Provider.BeforeProvision = async (provision, token) =>
        {
            if (recovered)
            {
                return;
            }

            // This process stalls past the longest call; another one takes it for dead and recovers the request.
            recovered = true;
            _host.Clock.Advance(CallLimit + Grace);
            await _host.SyncAsync(provision.RequestId);
        };

        var result = await _host.RequestAsync(2);

        _host.Provider.Machines.Should().HaveCount(2, "both calls used one key: the stalled one got what the recovery made");
        _host.Provider.ReleasedMachines.Should().BeEmpty("the stalled call releases nothing from under the recovered request");
        var saved = (await _host.Requests.GetAsync(result.RequestId, default))!;
        saved.Status.Should().Be(RequestStatus.Provisioning);
        saved.MachineIds.Should().HaveCount(2);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    /// <summary>requestMachines whose process dies after the provider made the machines and before they were recorded.</summary>
    private Task<RequestId> InterruptedAfterMakingAsync(int count) => InterruptedAsync(count, afterMaking: true);

    /// <summary>
    /// requestMachines whose process dies before the provider makes anything, or after it made the machines and before
    /// they were recorded: the caller's token is cancelled there, so the call ends as a killed one would. The request id
    /// it saved.
    /// </summary>
    private async Task<RequestId> InterruptedAsync(int count, bool afterMaking)
    {
        if (await _host.Templates.FindAsync(new TemplateId(TestTemplates.DefaultId), default) is null)
        {
            await _host.CreateTemplateAsync();
        }

        using var dying = new CancellationTokenSource();
        Task Die()
        {
            dying.Cancel();
            return Task.CompletedTask;
        }

        if (afterMaking)
        {
            _host.Provider.AfterProvision = (_, _, _) => Die();
        }
        else
        {
            _host.Provider.BeforeProvision = (_, _) => Die();
        }

        var requesting = () => _host.ExecuteAsync(new RequestMachines(TestTemplates.DefaultId, count), dying.Token).AsTask();
        await requesting.Should().ThrowAsync<OperationCanceledException>();
        _host.Provider.BeforeProvision = null;
        _host.Provider.AfterProvision = null;
        return _host.Requests.All.Single(r => r.Kind == RequestKind.Acquire && r.Status == RequestStatus.Pending).Id;
    }

    private sealed class TransientFailure(string message) : Exception(message);
}
