using HostFactory.Application.Common;
using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests;

public sealed class CancelRequestTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create();

    [Fact]
    public async Task CancelRequest_WhenProvisioning_CancelsItAndReleasesEveryMachine()
    {
        await _host.CreateTemplateAsync();
        var request = await _host.RequestAsync(3);

        var result = await _host.ExecuteAsync(new CancelRequest(request.RequestId.Value, "not needed any more"));

        var cancelled = await _host.Requests.GetAsync(request.RequestId, default);
        cancelled!.Status.Should().Be(RequestStatus.Cancelled);
        cancelled.Message.Should().Be("not needed any more");
        result.ReturnRequestId.Should().BeNull("no machine was running, so Host Factory holds none");
        result.ReleasedMachines.Should().BeEquivalentTo(cancelled.MachineIds);
        _host.Provider.ReleasedMachines.Select(m => m.MachineId).Should().BeEquivalentTo(cancelled.MachineIds);
        var status = await _host.StatusAsync(request.RequestId);
        status.Status.Should().Be("complete_with_error");
        status.Machines.Should().HaveCount(3).And.OnlyContain(m => m.Result == "fail" && m.Machine.Status == MachineStatus.Terminated);
    }

    [Fact]
    public async Task CancelRequest_WhenSomeMachinesRun_ReturnsThoseThroughAReturnRequest()
    {
        await _host.CreateTemplateAsync();
        _host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(1), MachineScript.Hangs));
        var request = await _host.RequestAsync(2);
        await _host.SyncAsync(request.RequestId);

        var result = await _host.ExecuteAsync(new CancelRequest(request.RequestId.Value, "stop"));

        result.ReleasedMachines.Should().HaveCount(2);
        result.ReturnRequestId.Should().NotBeNull();
        var returned = await _host.StatusAsync(result.ReturnRequestId!.Value);
        returned.Status.Should().Be("complete");
        returned.Machines.Should().ContainSingle().Which.Machine.Status.Should().Be(MachineStatus.Terminated);
        result.Message.Should().Be($"Request '{request.RequestId}' was cancelled; 2 machine(s) released, 1 of them through return request '{result.ReturnRequestId}'.");
    }

    [Fact]
    public async Task CancelRequest_WhenSomeMachinesAreAlreadyReturning_ReleasesOnlyTheOthers()
    {
        await _host.CreateTemplateAsync();
        var request = await _host.RequestAsync(2);
        var machines = _host.MachinesOf(request.RequestId);
        await _host.ExecuteAsync(new ReturnMachines([new MachineReference(machines[0].HostName)]));

        var result = await _host.ExecuteAsync(new CancelRequest(request.RequestId.Value, "stop"));

        result.ReleasedMachines.Should().Equal(machines[1].Id);
        _host.Provider.ReleasedMachines.Should().HaveCount(2, "each machine was released exactly once");
    }

    [Fact]
    public async Task CancelRequest_WhenFinished_ThrowsRequestNotCancellable()
    {
        var (requestId, _) = await _host.RunningMachinesAsync(1);

        await FluentActions.Awaiting(() => _host.ExecuteAsync(new CancelRequest(requestId.Value, "too late")).AsTask())
            .Should().ThrowAsync<RequestNotCancellableException>().WithMessage($"Request '{requestId}' is already completed and cannot be cancelled.");
        _host.Provider.ReleaseCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task CancelRequest_WhenUnknown_ThrowsRequestNotFound() =>
        await FluentActions.Awaiting(() => _host.ExecuteAsync(new CancelRequest(RequestId.NewAcquire().Value, "why")).AsTask())
            .Should().ThrowAsync<RequestNotFoundException>();

    [Fact]
    public async Task CancelRequest_WhenAReturnIdOrNoReason_FailsValidation()
    {
        var thrown = await FluentActions.Awaiting(() => _host.ExecuteAsync(new CancelRequest(RequestId.NewReturn().Value, " ")).AsTask())
            .Should().ThrowAsync<ValidationException>();

        thrown.Which.Errors.Select(e => e.Member).Should().Equal("RequestId", "Reason");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
