using HostFactory.Application.Common;
using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests;

/// <summary>RequestMachines through the buses, on the in-memory stores and on the JSON file store (the subclasses below).</summary>
public abstract class RequestMachinesTests(StoreKind store) : IAsyncLifetime
{
    protected HostFactoryTestHost Host { get; } = TestHosts.Create(store);

    [Fact]
    public async Task RequestMachines_WhenAccepted_SavesTheRequestRecordsEveryMachineAndStartsProvisioning()
    {
        await Host.CreateTemplateAsync();

        var result = await Host.RequestAsync(3);

        result.Status.Should().Be(RequestStatus.Provisioning);
        result.MachineCount.Should().Be(3);
        result.Message.Should().Be("Request for 3 machine(s) accepted.");
        var request = await Host.StoredAsync(result.RequestId);
        request!.MachineIds.Should().HaveCount(3);
        (await Host.MachinesOfAsync(result.RequestId)).Should().HaveCount(3).And.OnlyContain(m => m.Status == MachineStatus.Pending && m.ProviderName == "fake");
        var call = Host.Provider.ProvisionCalls.Should().ContainSingle().Subject;
        call.Should().BeEquivalentTo(new { result.RequestId, Count = 3 });
        call.Template.Id.Value.Should().Be(TestTemplates.DefaultId);
    }

    [Fact]
    public async Task RequestMachines_WhenTheProviderReportsItsOwnIds_RecordsThatWithEveryMachineAndTheStatusShowsThem()
    {
        Host.Provider.ReportedMachineId = ReportedMachineId.ProviderId;
        await Host.CreateTemplateAsync();

        var result = await Host.RequestAsync(2);
        var status = await Host.StatusAsync(result.RequestId);

        var machines = await Host.MachinesOfAsync(result.RequestId);
        machines.Should().HaveCount(2).And.OnlyContain(m => m.ReportedMachineId == ReportedMachineId.ProviderId);
        status.Machines.Select(e => e.Machine.ProtocolMachineId).Should().BeEquivalentTo(machines.Select(m => m.ProviderMachineId));
    }

    [Fact]
    public async Task RequestMachines_WhenAccepted_PublishesTheEventsInOrder()
    {
        await Host.CreateTemplateAsync();
        Host.Events.Clear();

        var result = await Host.RequestAsync(2);

        Host.Events.All.Select(e => e.GetType().GetGenericArguments()[0].Name).Should().Equal(
            "RequestCreated", "MachineProvisioned", "MachineProvisioned", "RequestMachinesAdded", "RequestStatusChanged");
        Host.DomainEvents<RequestStatusChanged>().Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { result.RequestId, From = RequestStatus.Pending, To = RequestStatus.Provisioning });
    }

    [Fact]
    public async Task RequestMachines_WhenTemplateUnknown_ThrowsTemplateNotFoundAndSavesNothing()
    {
        await FluentActions.Awaiting(() => Host.RequestAsync(1, "missing").AsTask())
            .Should().ThrowAsync<TemplateNotFoundException>().WithMessage("Template 'missing' does not exist.");

        (await Host.AllRequestsAsync()).Should().BeEmpty();
        Host.Provider.ProvisionCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task RequestMachines_WhenTemplateDisabled_ThrowsTemplateDisabled()
    {
        await Host.CreateTemplateAsync(TestTemplates.Definition(enabled: false));

        await FluentActions.Awaiting(() => Host.RequestAsync(1).AsTask()).Should().ThrowAsync<TemplateDisabledException>();
        (await Host.AllRequestsAsync()).Should().BeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10001)]
    public async Task RequestMachines_WhenCountOutOfRange_FailsValidation(int count)
    {
        await Host.CreateTemplateAsync();

        var thrown = await FluentActions.Awaiting(() => Host.RequestAsync(count).AsTask()).Should().ThrowAsync<ValidationException>();

        thrown.Which.Errors.Should().ContainSingle().Which.Member.Should().Be("Count");
        Host.Provider.ProvisionCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task RequestMachines_WhenActiveMachinesLeaveTooLittleRoom_ThrowsCapacityExceeded()
    {
        await Host.CreateTemplateAsync(TestTemplates.Definition(maxNumber: 3));
        await Host.RunningMachinesAsync(2);

        var thrown = await FluentActions.Awaiting(() => Host.RequestAsync(2).AsTask()).Should().ThrowAsync<CapacityExceededException>();

        thrown.Which.Message.Should().Be($"Template '{TestTemplates.DefaultId}' allows 3 machine(s) and 2 are active: 1 more can be provisioned, not 2.");
        (await Host.RequestAsync(1)).Status.Should().Be(RequestStatus.Provisioning, "exactly the room left is accepted");
    }

    [Fact]
    public async Task RequestMachines_WhenAnotherRequestIsStillBeingMade_CountsWhatItAskedForAsTaken()
    {
        await Host.CreateTemplateAsync(TestTemplates.Definition(maxNumber: 3));
        Exception? refused = null;
        RequestMachinesResult? second = null;
        Host.Provider.BeforeProvision = async (_, _) =>
        {
            // The first request is saved and pending, and nothing is made yet: two of the three machines are spoken for.
            Host.Provider.BeforeProvision = null;
            refused = await Record.ExceptionAsync(() => Host.RequestAsync(2).AsTask());
            second = await Host.RequestAsync(1);
        };

        var first = await Host.RequestAsync(2);

        refused.Should().BeOfType<CapacityExceededException>().Which.Message.Should().Be(
            $"Template '{TestTemplates.DefaultId}' allows 3 machine(s) and 0 are active, 2 more are being made for pending requests: 1 more can be provisioned, not 2.");
        first.Status.Should().Be(RequestStatus.Provisioning);
        second!.Status.Should().Be(RequestStatus.Provisioning, "exactly the room left is accepted");
        (await Host.AllMachinesAsync()).Should().HaveCount(3);
    }

    [Fact]
    public async Task RequestMachines_WhenAPendingRequestHasSomeMachinesAlready_CountsThemOnce()
    {
        // A process stopped after its provider made one of three machines: the request is pending and holds nothing yet.
        await Host.CreateTemplateAsync(TestTemplates.Definition(maxNumber: 4));
        var stuck = Request.CreateAcquire(new TemplateId(TestTemplates.DefaultId), 3, TimeSpan.FromMinutes(30), Host.Clock);
        await Host.RequestStore.SaveAsync(stuck, default);
        var template = (await Host.TemplateStore.FindAsync(new TemplateId(TestTemplates.DefaultId), default))!.ToSnapshot();
        var made = await Host.Provider.ProvisionAsync(new ProvisionRequest(stuck.ProvisionKey, template, 1), default);
        await Host.MachineStore.SaveAsync(Machine.Provision(MachineId.New(), stuck.Id, template.Id, FakeMachineProvider.DefaultName, made.Machines.Single(), Host.Clock), default);

        var thrown = await FluentActions.Awaiting(() => Host.RequestAsync(2).AsTask()).Should().ThrowAsync<CapacityExceededException>();

        thrown.Which.Message.Should().Be(
            $"Template '{TestTemplates.DefaultId}' allows 4 machine(s) and 1 are active, 2 more are being made for pending requests: 1 more can be provisioned, not 2.");
        (await Host.RequestAsync(1)).Status.Should().Be(RequestStatus.Provisioning, "exactly the room left is accepted");
    }

    [Fact]
    public async Task RequestMachines_WhenAnEarlierRequestGotFewerThanAsked_CountsOnlyTheMachinesItHas()
    {
        await Host.CreateTemplateAsync(TestTemplates.Definition(maxNumber: 4));
        Host.Provider.EnqueueProvision(ProvisionScript.Partial(1, "quota reached"));
        (await Host.RequestAsync(3)).MachineCount.Should().Be(1);

        // That request is provisioning with one machine; the provider is never asked again for the two it did not make.
        var next = await Host.RequestAsync(3);

        next.Status.Should().Be(RequestStatus.Provisioning);
    }

    [Fact]
    public async Task RequestMachines_WhenEarlierMachinesWereReturned_CountsOnlyActiveOnes()
    {
        await Host.CreateTemplateAsync(TestTemplates.Definition(maxNumber: 2));
        var (_, machines) = await Host.RunningMachinesAsync(2);
        await Host.ExecuteAsync(new ReturnMachines(machines.Select(m => new MachineReference(m.HostName)).ToArray()));

        var result = await Host.RequestAsync(2);

        result.Status.Should().Be(RequestStatus.Provisioning);
    }

    [Fact]
    public async Task RequestMachines_WhenProviderMakesOnlySome_RecordsEveryMachineMade()
    {
        await Host.CreateTemplateAsync();
        Host.Provider.EnqueueProvision(ProvisionScript.Partial(2, "quota reached"));

        var result = await Host.RequestAsync(3);
        await Host.SyncAsync(result.RequestId);
        var status = await Host.StatusAsync(result.RequestId);

        result.Status.Should().Be(RequestStatus.Provisioning);
        result.MachineCount.Should().Be(2);
        result.Message.Should().Be("Only 2 of 3 machine(s) could be made: quota reached");
        (await Host.MachinesOfAsync(result.RequestId)).Should().HaveCount(2);
        status.Status.Should().Be("complete_with_error");
        status.Message.Should().Be("Only 2 of 3 machine(s) were made.");
        status.Machines.Should().HaveCount(2).And.OnlyContain(m => m.Result == "succeed");
    }

    [Fact]
    public async Task RequestMachines_WhenProviderMakesNothing_FailsTheRequestWithTheProvidersMessage()
    {
        await Host.CreateTemplateAsync();
        Host.Provider.EnqueueProvision(ProvisionScript.Failure("InsufficientInstanceCapacity"));

        var result = await Host.RequestAsync(2);
        var status = await Host.StatusAsync(result.RequestId);

        result.Status.Should().Be(RequestStatus.Failed);
        result.Message.Should().Be("InsufficientInstanceCapacity");
        status.Status.Should().Be("complete_with_error");
        status.Message.Should().Be("InsufficientInstanceCapacity");
        status.Machines.Should().BeEmpty();
    }

    [Fact]
    public async Task RequestMachines_WhenProviderThrows_FailsTheRequestInsteadOfCrashing()
    {
        await Host.CreateTemplateAsync();
        Host.Provider.EnqueueProvision(ProvisionScript.Throws(new HttpRequestException("connection refused")));

        var result = await Host.RequestAsync(2);

        result.Status.Should().Be(RequestStatus.Failed);
        result.Message.Should().Be("Provider 'fake' failed: connection refused");
        (await Host.StoredAsync(result.RequestId)).Status.Should().Be(RequestStatus.Failed);
    }

    [Fact]
    public async Task RequestMachines_WhenTheCallerCancels_PropagatesTheCancellation()
    {
        await Host.CreateTemplateAsync();
        using var cancellation = new CancellationTokenSource();
        Host.Provider.BeforeProvision = (_, _) => cancellation.CancelAsync();

        await FluentActions.Awaiting(() => Host.ExecuteAsync(new RequestMachines(TestTemplates.DefaultId, 1), cancellation.Token).AsTask())
            .Should().ThrowAsync<OperationCanceledException>();
        (await Host.AllRequestsAsync()).Should().ContainSingle().Which.Status.Should().Be(RequestStatus.Pending, "the request was saved before the provider was called");
    }

    [Fact]
    public async Task RequestMachines_WhenTemplatesProviderIsNoLongerConfigured_ThrowsUnknownProviderAndSavesNothing()
    {
        await Host.CreateTemplateAsync();
        Host.Providers.Remove("fake");

        await FluentActions.Awaiting(() => Host.RequestAsync(1).AsTask()).Should().ThrowAsync<UnknownProviderException>();
        (await Host.AllRequestsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task RequestMachines_WhenProviderMakesMoreThanAsked_ReturnsTheExtraMachines()
    {
        await Host.CreateTemplateAsync();
        Host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(1), MachineScript.RunningAfter(1), MachineScript.RunningAfter(1)));

        var result = await Host.RequestAsync(2);

        (await Host.StoredAsync(result.RequestId)).MachineIds.Should().HaveCount(2);
        var extra = Host.Provider.ReleasedMachines.Should().ContainSingle().Subject;
        (await Host.AllMachinesAsync()).Single(m => m.Id == extra.MachineId).Status.Should().Be(MachineStatus.Terminated);
    }

    [Fact]
    public async Task RequestMachines_WhenCancelledWhileTheProviderWorks_ReturnsEveryMachineMade()
    {
        await Host.CreateTemplateAsync();
        Host.Provider.BeforeProvision = async (provision, _) =>
            await Host.ExecuteAsync(new CancelRequest(provision.RequestId.Value, "operator changed their mind"));

        var result = await Host.RequestAsync(2);

        result.Status.Should().Be(RequestStatus.Cancelled);
        Host.Provider.ProvisionCalls.Should().ContainSingle();
        Host.Provider.ReleasedMachines.Should().HaveCount(2);
        (await Host.MachinesOfAsync(result.RequestId)).Should().OnlyContain(m => m.Status == MachineStatus.Terminated);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Host.DisposeAsync().AsTask();
}

/// <summary>The tests above on the in-memory stores, and those that need their injected conflicts or save counts.</summary>
public sealed class RequestMachinesInMemoryTests() : RequestMachinesTests(StoreKind.InMemory)
{
    [Fact]
    public async Task RequestMachines_WhenTheRequestSaveConflicts_ReappliesToTheRequestAndCallsTheProviderOnce()
    {
        await Host.CreateTemplateAsync();
        Host.Requests.InjectConflicts(2);

        var result = await Host.RequestAsync(2);

        result.Status.Should().Be(RequestStatus.Provisioning);
        (await Host.Requests.GetAsync(result.RequestId, default))!.MachineIds.Should().HaveCount(2);
        Host.Provider.ProvisionCalls.Should().ContainSingle();
    }

    [Fact]
    public async Task RequestMachines_WhenConflictsNeverStop_FailsNamingTheRequestAndCallsTheProviderOnce()
    {
        await Host.CreateTemplateAsync();
        Host.Requests.InjectConflicts(100);

        var thrown = await FluentActions.Awaiting(() => Host.RequestAsync(1).AsTask()).Should().ThrowAsync<ConcurrencyRetryExhaustedException>();

        thrown.Which.Entity.Should().Be("Request");
        thrown.Which.Attempts.Should().Be(6);
        thrown.Which.Message.Should().StartWith($"Request '{Host.Requests.All.Single().Id}' kept being changed by another process");
        Host.Provider.ProvisionCalls.Should().ContainSingle();
    }
}

/// <summary>The tests above on the JSON file store.</summary>
public sealed class RequestMachinesJsonFilesTests() : RequestMachinesTests(StoreKind.JsonFiles);
