using HostFactory.Application.Common;
using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests;

/// <summary>CancelRequest through the buses, on the in-memory stores and on the JSON file store (the subclasses below).</summary>
public abstract class CancelRequestTests(StoreKind store) : IAsyncLifetime
{
    protected HostFactoryTestHost Host { get; } = TestHosts.Create(store);

    [Fact]
    public async Task CancelRequest_WhenProvisioning_CancelsItAndReleasesEveryMachine()
    {
        await Host.CreateTemplateAsync();
        var request = await Host.RequestAsync(3);

        var result = await Host.ExecuteAsync(new CancelRequest(request.RequestId.Value, "not needed any more"));

        var cancelled = await Host.StoredAsync(request.RequestId);
        cancelled!.Status.Should().Be(RequestStatus.Cancelled);
        cancelled.Message.Should().Be("not needed any more");
        result.ReturnRequestId.Should().BeNull("no machine was running, so Host Factory holds none");
        result.ReleasedMachines.Should().BeEquivalentTo(cancelled.MachineIds);
        Host.Provider.ReleasedMachines.Select(m => m.MachineId).Should().BeEquivalentTo(cancelled.MachineIds);
        var status = await Host.StatusAsync(request.RequestId);
        status.Status.Should().Be("complete_with_error");
        status.Machines.Should().HaveCount(3).And.OnlyContain(m => m.Result == "fail" && m.Machine.Status == MachineStatus.Terminated);
    }

    [Fact]
    public async Task CancelRequest_WhenSomeMachinesRun_ReturnsThoseThroughAReturnRequest()
    {
        await Host.CreateTemplateAsync();
        Host.Provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(1), MachineScript.Hangs));
        var request = await Host.RequestAsync(2);
        await Host.SyncAsync(request.RequestId);

        var result = await Host.ExecuteAsync(new CancelRequest(request.RequestId.Value, "stop"));

        result.ReleasedMachines.Should().HaveCount(2);
        result.ReturnRequestId.Should().NotBeNull();
        var returned = await Host.StatusAsync(result.ReturnRequestId!.Value);
        returned.Status.Should().Be("complete");
        returned.Machines.Should().ContainSingle().Which.Machine.Status.Should().Be(MachineStatus.Terminated);
        result.Message.Should().Be($"Request '{request.RequestId}' was cancelled; 2 machine(s) released, 1 of them through return request '{result.ReturnRequestId}'.");
    }

    [Fact]
    public async Task CancelRequest_WhenSomeMachinesAreAlreadyReturning_ReleasesOnlyTheOthers()
    {
        await Host.CreateTemplateAsync();
        var request = await Host.RequestAsync(2);
        var machines = await Host.MachinesOfAsync(request.RequestId);
        await Host.ExecuteAsync(new ReturnMachines([new MachineReference(machines[0].HostName)]));

        var result = await Host.ExecuteAsync(new CancelRequest(request.RequestId.Value, "stop"));

        result.ReleasedMachines.Should().Equal(machines[1].Id);
        Host.Provider.ReleasedMachines.Should().HaveCount(2, "each machine was released exactly once");
    }

    [Fact]
    public async Task CancelRequest_WhenFinished_ThrowsRequestNotCancellable()
    {
        var (requestId, _) = await Host.RunningMachinesAsync(1);

        await FluentActions.Awaiting(() => Host.ExecuteAsync(new CancelRequest(requestId.Value, "too late")).AsTask())
            .Should().ThrowAsync<RequestNotCancellableException>().WithMessage($"Request '{requestId}' is already completed and cannot be cancelled.");
        Host.Provider.ReleaseCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task CancelRequest_WhenUnknown_ThrowsRequestNotFound() =>
        await FluentActions.Awaiting(() => Host.ExecuteAsync(new CancelRequest(RequestId.NewAcquire().Value, "why")).AsTask())
            .Should().ThrowAsync<RequestNotFoundException>();

    [Fact]
    public async Task CancelRequest_WhenAReturnIdOrNoReason_FailsValidation()
    {
        var thrown = await FluentActions.Awaiting(() => Host.ExecuteAsync(new CancelRequest(RequestId.NewReturn().Value, " ")).AsTask())
            .Should().ThrowAsync<ValidationException>();

        thrown.Which.Errors.Select(e => e.Member).Should().Equal("RequestId", "Reason");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Host.DisposeAsync().AsTask();
}

/// <summary>The tests above on the in-memory stores.</summary>
public sealed class CancelRequestInMemoryTests() : CancelRequestTests(StoreKind.InMemory);

/// <summary>The tests above on the JSON file store.</summary>
public sealed class CancelRequestJsonFilesTests() : CancelRequestTests(StoreKind.JsonFiles);
