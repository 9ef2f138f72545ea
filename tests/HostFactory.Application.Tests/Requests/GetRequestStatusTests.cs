using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests;

/// <summary>GetRequestStatus through the buses, on the in-memory stores and on the JSON file store (the subclasses below).</summary>
public abstract class GetRequestStatusTests(StoreKind store) : IAsyncLifetime
{
    protected HostFactoryTestHost Host { get; } = TestHosts.Create(store);

    [Fact]
    public async Task GetRequestStatus_WhenManyIdsIncludingUnknownOnes_AnswersEachInOrder()
    {
        var (acquired, machines) = await Host.RunningMachinesAsync(1);
        var returned = await Host.ExecuteAsync(new ReturnMachines([new MachineReference(machines[0].HostName)]));
        var unknown = RequestId.NewReturn();

        var answers = await Host.QueryAsync(new GetRequestStatus([acquired.Value, "not-an-id", unknown.Value, returned.RequestId.Value, acquired.Value]));

        answers.Select(a => (a.RequestId, a.Status, a.Found)).Should().Equal(
            (acquired.Value, "complete", true),
            ("not-an-id", "complete_with_error", false),
            (unknown.Value, "complete_with_error", false),
            (returned.RequestId.Value, "complete", true));
        answers[1].Message.Should().Be("'not-an-id' is not a request id ('req-' or 'ret-' followed by a lowercase UUID).");
        answers[2].Message.Should().Be($"Request '{unknown}' does not exist.");
        answers[0].Machines.Single().Should().Match<MachineStatusEntry>(m => m.Result == "succeed" && m.Status == "terminated",
            "a machine handed over and later returned still succeeded for its acquire request");
    }

    [Fact]
    public async Task GetRequestStatus_WhenMachinesArePending_ReportsThemExecutingWithTheirData()
    {
        await Host.CreateTemplateAsync();
        var request = await Host.RequestAsync(2);

        var answer = await Host.StatusAsync(request.RequestId);

        answer.Status.Should().Be("running");
        answer.Message.Should().BeEmpty();
        answer.Request!.RequestedCount.Should().Be(2);
        answer.Machines.Should().HaveCount(2).And.OnlyContain(m => m.Result == "executing" && m.Status == "pending" && m.Message == "");
        answer.Machines[0].Machine.Should().Match<MachineSnapshot>(m => m.HostName == "fake-0001.example" && m.LaunchTime == Host.Clock.GetUtcNow());
    }

    [Fact]
    public async Task GetRequestStatus_WhenNoIds_FailsValidation() =>
        await FluentActions.Awaiting(() => Host.QueryAsync(new GetRequestStatus([])).AsTask()).Should().ThrowAsync<ValidationException>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Host.DisposeAsync().AsTask();
}

/// <summary>The tests above on the in-memory stores, and those that need their injected conflicts or save counts.</summary>
public sealed class GetRequestStatusInMemoryTests() : GetRequestStatusTests(StoreKind.InMemory)
{
    [Fact]
    public async Task GetRequestStatus_WhenAsked_ReadsWithoutWriting()
    {
        await Host.CreateTemplateAsync();
        var request = await Host.RequestAsync(1);
        var writes = (Host.Requests.SaveCount, Host.Machines.SaveCount, Host.Provider.DescribeCalls);

        Host.Clock.Advance(TimeSpan.FromDays(1));
        await Host.StatusAsync(request.RequestId);

        (Host.Requests.SaveCount, Host.Machines.SaveCount, Host.Provider.DescribeCalls).Should().Be(writes);
        (await Host.Requests.GetAsync(request.RequestId, default))!.Status.Should().Be(RequestStatus.Provisioning, "only sync times requests out");
    }
}

/// <summary>The tests above on the JSON file store.</summary>
public sealed class GetRequestStatusJsonFilesTests() : GetRequestStatusTests(StoreKind.JsonFiles);
