using HostFactory.Application.Requests;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Testing;

namespace HostFactory.Application.Tests.Requests;

public sealed class GetRequestStatusTests : IAsyncLifetime
{
    private readonly HostFactoryTestHost _host = HostFactoryTestHost.Create();

    [Fact]
    public async Task GetRequestStatus_WhenManyIdsIncludingUnknownOnes_AnswersEachInOrder()
    {
        var (acquired, machines) = await _host.RunningMachinesAsync(1);
        var returned = await _host.ExecuteAsync(new ReturnMachines([new MachineReference(machines[0].HostName)]));
        var unknown = RequestId.NewReturn();

        var answers = await _host.QueryAsync(new GetRequestStatus([acquired.Value, "not-an-id", unknown.Value, returned.RequestId.Value, acquired.Value]));

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
        await _host.CreateTemplateAsync();
        var request = await _host.RequestAsync(2);

        var answer = await _host.StatusAsync(request.RequestId);

        answer.Status.Should().Be("running");
        answer.Message.Should().BeEmpty();
        answer.Request!.RequestedCount.Should().Be(2);
        answer.Machines.Should().HaveCount(2).And.OnlyContain(m => m.Result == "executing" && m.Status == "pending" && m.Message == "");
        answer.Machines[0].Machine.Should().Match<MachineSnapshot>(m => m.HostName == "fake-0001.example" && m.LaunchTime == _host.Clock.GetUtcNow());
    }

    [Fact]
    public async Task GetRequestStatus_WhenAsked_ReadsWithoutWriting()
    {
        await _host.CreateTemplateAsync();
        var request = await _host.RequestAsync(1);
        var writes = (_host.Requests.SaveCount, _host.Machines.SaveCount, _host.Provider.DescribeCalls);

        _host.Clock.Advance(TimeSpan.FromDays(1));
        await _host.StatusAsync(request.RequestId);

        (_host.Requests.SaveCount, _host.Machines.SaveCount, _host.Provider.DescribeCalls).Should().Be(writes);
        (await _host.Requests.GetAsync(request.RequestId, default))!.Status.Should().Be(RequestStatus.Provisioning, "only sync times requests out");
    }

    [Fact]
    public async Task GetRequestStatus_WhenNoIds_FailsValidation() =>
        await FluentActions.Awaiting(() => _host.QueryAsync(new GetRequestStatus([])).AsTask()).Should().ThrowAsync<ValidationException>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();
}
