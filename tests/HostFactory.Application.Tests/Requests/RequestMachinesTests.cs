using HostFactory.Application.Common;
using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests;

public sealed class RequestMachinesTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create();

    [Fact]
    public async Task RequestMachines_WhenAccepted_SavesTheRequestRecordsEveryMachineAndStartsProvisioning()
    {
        await _host.CreateTemplateAsync();

        var result = await _host.RequestAsync(3);

        result.Status.Should().Be(RequestStatus.Provisioning);
        result.MachineCount.Should().Be(3);
        result.Message.Should().Be("Request for 3 machine(s) accepted.");
        var request = await _host.Requests.GetAsync(result.RequestId, default);
        request!.MachineIds.Should().HaveCount(3);
        _host.MachinesOf(result.RequestId).Should().HaveCount(3).And.OnlyContain(m => m.Status == MachineStatus.Pending && m.ProviderName == "fake");
        var call = _host.Provider.ProvisionCalls.Should().ContainSingle().Subject;
        call.Should().BeEquivalentTo(new { result.RequestId, Count = 3 });
        call.Template.Id.Value.Should().Be(TestTemplates.DefaultId);
    }

    [Fact]
    public async Task RequestMachines_WhenAccepted_PublishesTheEventsInOrder()
    {
        await _host.CreateTemplateAsync();
        _host.Events.Clear();

        var result = await _host.RequestAsync(2);

        _host.Events.All.Select(e => e.GetType().GetGenericArguments()[0].Name).Should().Equal(
            "RequestCreated", "MachineProvisioned", "MachineProvisioned", "RequestMachinesAdded", "RequestStatusChanged");
        _host.DomainEvents<RequestStatusChanged>().Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { result.RequestId, From = RequestStatus.Pending, To = RequestStatus.Provisioning });
    }

    [Fact]
    public async Task RequestMachines_WhenTemplateUnknown_ThrowsTemplateNotFoundAndSavesNothing()
    {
        await FluentActions.Awaiting(() => _host.RequestAsync(1, "missing").AsTask())
            .Should().ThrowAsync<TemplateNotFoundException>().WithMessage("Template 'missing' does not exist.");

        _host.Requests.All.Should().BeEmpty();
        _host.Provider.ProvisionCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task RequestMachines_WhenTemplateDisabled_ThrowsTemplateDisabled()
    {
        await _host.CreateTemplateAsync(TestTemplates.Definition(enabled: false));

        await FluentActions.Awaiting(() => _host.RequestAsync(1).AsTask()).Should().ThrowAsync<TemplateDisabledException>();
        _host.Requests.All.Should().BeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10001)]
    public async Task RequestMachines_WhenCountOutOfRange_FailsValidation(int count)
    {
        await _host.CreateTemplateAsync();

        var thrown = await FluentActions.Awaiting(() => _host.RequestAsync(count).AsTask()).Should().ThrowAsync<ValidationException>();

        thrown.Which.Errors.Should().ContainSingle().Which.Member.Should().Be("Count");
        _host.Provider.ProvisionCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task RequestMachines_WhenActiveMachinesLeaveTooLittleRoom_ThrowsCapacityExceeded()
    {
        await _host.CreateTemplateAsync(TestTemplates.Definition(maxNumber: 3));
        await _host.RunningMachinesAsync(2);

        var thrown = await FluentActions.Awaiting(() => _host.RequestAsync(2).AsTask()).Should().ThrowAsync<CapacityExceededException>();

        thrown.Which.Message.Should().Be($"Template '{TestTemplates.DefaultId}' allows 3 machine(s) and 2 are active: 1 more can be provisioned, not 2.");
        (await _host.RequestAsync(1)).Status.Should().Be(RequestStatus.Provisioning, "exactly the room left is accepted");
    }

    [Fact]
    public async Task RequestMachines_WhenAnotherRequestIsStillBeingMade_CountsWhatItAskedForAsTaken()
    {
        await _host.CreateTemplateAsync(TestTemplates.Definition(maxNumber: 3));
        Exception? refused = null;
        RequestMachinesResult? second = null;
        _host.Provider.BeforeProvision = async (_, _) =>
        {
            // The first request is saved and pending, and nothing is made yet: two of the three machines are spoken for.
            _host.Provider.BeforeProvision = null;
            refused = await Record.ExceptionAsync(() => _host.RequestAsync(2).AsTask());
            second = await _host.RequestAsync(1);
        };

        var first = await _host.RequestAsync(2);

        refused.Should().BeOfType<CapacityExceededException>().Which.Message.Should().Be(
            $"Template '{TestTemplates.DefaultId}' allows 3 machine(s) and 0 are active, 2 more are being made for pending requests: 1 more can be provisioned, not 2.");
        first.Status.Should().Be(RequestStatus.Provisioning);
        second!.Status.Should().Be(RequestStatus.Provisioning, "exactly the room left is accepted");
        _host.Machines.All.Should().HaveCount(3);
    }

    [Fact]
    public async Task RequestMachines_WhenAPendingRequestHasSomeMachinesAlready_CountsThemOnce()
    {
        // A process stopped after its provider made one of three machines: the request is pending and holds nothing yet.
        await _host.CreateTemplateAsync(TestTemplates.Definition(maxNumber: 4));
        var stuck = Request.CreateAcquire(new TemplateId(TestTemplates.DefaultId), 3, TimeSpan.FromMinutes(30), _host.Clock);
        await _host.Requests.SaveAsync(stuck, default);
        var template = (await _host.Templates.FindAsync(new TemplateId(TestTemplates.DefaultId), default))!.ToSnapshot();
        var made = await _host.Provider.ProvisionAsync(new ProvisionRequest(stuck.ProvisionKey, template, 1), default);
        await _host.Machines.SaveAsync(Machine.Provision(MachineId.New(), stuck.Id, template.Id, FakeMachineProvider.DefaultName, made.Machines.Single(), _host.Clock), default);

        var thrown = await FluentActions.Awaiting(() => _host.RequestAsync(2).AsTask()).Should().ThrowAsync<CapacityExceededException>();

        thrown.Which.Message.Should().Be(
            $"Template '{TestTemplates.DefaultId}' allows 4 machine(s) and 1 are active, 2 more are being made for pending requests: 1 more can be provisioned, not 2.");
        (await _host.RequestAsync(1)).Status.Should().Be(RequestStatus.Provisioning, "exactly the room left is accepted");
    }

    [Fact]
    public async Task RequestMachines_WhenAnEarlierRequestGotFewerThanAsked_CountsOnlyTheMachinesItHas()
    {
        await _host.CreateTemplateAsync(TestTemplates.Definition(maxNumber: 4));
        _host.Provider.EnqueueProvision(ProvisionScript.Partial(1, "quota reached"));
        (await _host.RequestAsync(3)).MachineCount.Should().Be(1);

        // That request is provisioning with one machine; the provider is never asked again for the two it did not make.
        var next = await _host.RequestAsync(3);

        next.Status.Should().Be(RequestStatus.Provisioning);
    }

    [Fact]
    public async Task RequestMachines_WhenEarlierMachinesWereReturned_CountsOnlyActiveOnes()
    {
        await _host.CreateTemplateAsync(TestTemplates.Definition(maxNumber: 2));
        var (_, machines) = await _host.RunningMachinesAsync(2);
        await _host.ExecuteAsync(new ReturnMachines(machines.Select(m => new MachineReference(m.HostName)).ToArray()));

        var result = await _host.RequestAsync(2);

        result.Status.Should().Be(RequestStatus.Provisioning);
    }

    [Fact]
    public async Task RequestMachines_WhenProviderMakesOnlySome_RecordsEveryMachineMade()
    {
        await _host.CreateTemplateAsync();
        _host.Provider.EnqueueProvision(ProvisionScript.Partial(2, "quota reached"));

        var result = await _host.RequestAsync(3);
        await _host.SyncAsync(result.RequestId);
        var status = await _host.StatusAsync(result.RequestId);

        result.Status.Should().Be(RequestStatus.Provisioning);
        result.MachineCount.Should().Be(2);
        result.Message.Should().Be("Only 2 of 3 machine(s) could be made: quota reached");
        _host.MachinesOf(result.RequestId).Should().HaveCount(2);
        status.Status.Should().Be("complete_with_error");
        status.Message.Should().Be("Only 2 of 3 machine(s) were made.");
        status.Machines.Should().HaveCount(2).And.OnlyContain(m => m.Result == "succeed");
    }

    [Fact]
    public async Task RequestMachines_WhenProviderMakesNothing_FailsTheRequestWithTheProvidersMessage()
    {
        await _host.CreateTemplateAsync();
        _host.Provider.EnqueueProvision(ProvisionScript.Failure("InsufficientInstanceCapacity"));

        var result = await _host.RequestAsync(2);
        var status = await _host.StatusAsync(result.RequestId);

        result.Status.Should().Be(RequestStatus.Failed);
        result.Message.Should().Be("InsufficientInstanceCapacity");
        status.Status.Should().Be("complete_with_error");
        status.Message.Should().Be("InsufficientInstanceCapacity");
        status.Machines.Should().BeEmpty();
    }

    [Fact]
    public async Task RequestMachines_WhenProviderThrows_FailsTheRequestInsteadOfCrashing()
    {
        await _host.CreateTemplateAsync();
        _host.Provider.EnqueueProvision(ProvisionScript.Throws(new HttpRequestException("connection refused")));

        var result = await _host.RequestAsync(2);

        result.Status.Should().Be(RequestStatus.Failed);
        result.Message.Should().Be("Provider 'fake' failed: connection refused");
        (await _host.Requests.GetAsync(result.RequestId, default))!.Status.Should().Be(RequestStatus.Failed);
    }

    [Fact]
    public async Task RequestMachines_WhenTheCallerCancels_PropagatesTheCancellation()
    {
        await _host.CreateTemplateAsync();
        using var cancellation = new CancellationTokenSource();
        _host.Provider.BeforeProvision = (_, _) => cancellation.CancelAsync();

        await FluentActions.Awaiting(() => _host.ExecuteAsync(new RequestMachines(TestTemplates.DefaultId, 1), cancellation.Token).AsTask())
            .Should().ThrowAsync<OperationCanceledException>();
        _host.Requests.All.Should().ContainSingle().Which.Status.Should().Be(RequestStatus.Pending, "the request was saved before the provider was called");
    }

    [Fact]
    public async Task RequestMachines_WhenTemplatesProviderIsNoLongerConfigured_ThrowsUnknownProviderAndSavesNothing()
    {
        await _host.CreateTemplateAsync();
        _host.Providers.Remove("fake");

        await FluentActions.Awaiting(() => _host.RequestAsync(1).AsTask()).Should().ThrowAsync<UnknownProviderException>();
        _host.Requests.All.Should().BeEmpty();
    }

    [Fact]
    public async Task RequestMachines_WhenProviderMakesMoreThanAsked_ReturnsTheExtraMachines()
    {
        await _host.CreateTemplateAsync();
        _host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(1), MachineScript.RunningAfter(1), MachineScript.RunningAfter(1)));

        var result = await _host.RequestAsync(2);

        (await _host.Requests.GetAsync(result.RequestId, default))!.MachineIds.Should().HaveCount(2);
        var extra = _host.Provider.ReleasedMachines.Should().ContainSingle().Subject;
        _host.Machines.All.Single(m => m.Id == extra.MachineId).Status.Should().Be(MachineStatus.Terminated);
    }

    [Fact]
    public async Task RequestMachines_WhenCancelledWhileTheProviderWorks_ReturnsEveryMachineMade()
    {
        await _host.CreateTemplateAsync();
        _host.Provider.BeforeProvision = async (provision, _) =>
            await _host.ExecuteAsync(new CancelRequest(provision.RequestId.Value, "operator changed their mind"));

        var result = await _host.RequestAsync(2);

        result.Status.Should().Be(RequestStatus.Cancelled);
        _host.Provider.ProvisionCalls.Should().ContainSingle();
        _host.Provider.ReleasedMachines.Should().HaveCount(2);
        _host.MachinesOf(result.RequestId).Should().OnlyContain(m => m.Status == MachineStatus.Terminated);
    }

    [Fact]
    public async Task RequestMachines_WhenTheRequestSaveConflicts_ReappliesToTheRequestAndCallsTheProviderOnce()
    {
        await _host.CreateTemplateAsync();
        _host.Requests.InjectConflicts(2);

        var result = await _host.RequestAsync(2);

        result.Status.Should().Be(RequestStatus.Provisioning);
        (await _host.Requests.GetAsync(result.RequestId, default))!.MachineIds.Should().HaveCount(2);
        _host.Provider.ProvisionCalls.Should().ContainSingle();
    }

    [Fact]
    public async Task RequestMachines_WhenConflictsNeverStop_FailsNamingTheRequestAndCallsTheProviderOnce()
    {
        await _host.CreateTemplateAsync();
        _host.Requests.InjectConflicts(100);

        var thrown = await FluentActions.Awaiting(() => _host.RequestAsync(1).AsTask()).Should().ThrowAsync<ConcurrencyRetryExhaustedException>();

        thrown.Which.Entity.Should().Be("Request");
        thrown.Which.Attempts.Should().Be(6);
        thrown.Which.Message.Should().StartWith($"Request '{_host.Requests.All.Single().Id}' kept being changed by another process");
        _host.Provider.ProvisionCalls.Should().ContainSingle();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
