using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.Time.Testing;

namespace HostFactory.Testing.Tests;

public sealed class FakeMachineProviderTests
{
    private readonly FakeTimeProvider _clock = new(HostFactoryTestHostOptions.DefaultStartTime);
    private readonly FakeMachineProvider _provider;

    public FakeMachineProviderTests() => _provider = new FakeMachineProvider("fake", _clock);

    [Fact]
    public async Task ProvisionAsync_WhenUnscripted_MakesTheCountPendingAndRecordsTheCall()
    {
        var request = Provision(3);

        var result = await _provider.ProvisionAsync(request, default);

        result.IsComplete.Should().BeTrue();
        result.Machines.Should().HaveCount(3).And.OnlyContain(m => m.Status == MachineStatus.Pending && m.LaunchTime == _clock.GetUtcNow());
        result.Machines.Select(m => m.ProviderMachineId).Should().Equal("fake-0001", "fake-0002", "fake-0003");
        _provider.ProvisionCalls.Should().Equal(request);
    }

    [Fact]
    public async Task DescribeAsync_WhenRunningAfterTwo_IsPendingUntilTheSecondDescribe()
    {
        _provider.EnqueueProvision(ProvisionScript.Make(MachineScript.RunningAfter(2)));
        await _provider.ProvisionAsync(Provision(1), default);
        var asked = Samples.Asked(_provider.Machines[0]);

        var first = await _provider.DescribeAsync([asked], default);
        var second = await _provider.DescribeAsync([asked], default);

        first.Should().ContainSingle().Which.Status.Should().Be(MachineStatus.Pending);
        second.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Status = MachineStatus.Running, HostName = "fake-0001.example", PrivateIpAddress = "10.0.0.2" });
        _provider.DescribeCalls.Should().Be(2);
    }

    [Fact]
    public async Task DescribeAsync_WhenScriptedToFailOrHang_ReportsThat()
    {
        _provider.EnqueueProvision(ProvisionScript.Make(MachineScript.FailsAfter(1, "disk error"), MachineScript.Hangs, MachineScript.RunningAfter(0)));
        var made = await _provider.ProvisionAsync(Provision(3), default);
        var asked = _provider.Machines.Select(Samples.Asked).ToArray();

        made.Machines[2].Status.Should().Be(MachineStatus.Running);
        for (var i = 0; i < 5; i++)
        {
            await _provider.DescribeAsync(asked, default);
        }

        var seen = await _provider.DescribeAsync(asked, default);
        seen[0].Should().BeEquivalentTo(new { Status = MachineStatus.Failed, Message = "disk error" });
        seen[1].Status.Should().Be(MachineStatus.Pending);
        seen[2].Status.Should().Be(MachineStatus.Running);
    }

    [Fact]
    public async Task ProvisionAsync_WhenScriptedPartialFailureOrThrow_AnswersEachInTurn()
    {
        _provider.EnqueueProvision(ProvisionScript.Partial(1, "quota reached"))
            .EnqueueProvision(ProvisionScript.Failure("no capacity"))
            .EnqueueProvision(ProvisionScript.Throws(new TimeoutException("API timed out")));

        var partial = await _provider.ProvisionAsync(Provision(3), default);
        var failure = await _provider.ProvisionAsync(Provision(3), default);
        var thrown = () => _provider.ProvisionAsync(Provision(3), default);

        partial.Should().BeEquivalentTo(new { Error = "quota reached" });
        partial.Machines.Should().ContainSingle();
        failure.Machines.Should().BeEmpty();
        failure.Error.Should().Be("no capacity");
        await thrown.Should().ThrowAsync<TimeoutException>().WithMessage("API timed out");
        (await _provider.ProvisionAsync(Provision(1), default)).IsComplete.Should().BeTrue("scripts are used once each");
    }

    [Fact]
    public async Task ReleaseAsync_WhenScripted_ReportsEachOutcomeAndTerminatesReleasedMachines()
    {
        await _provider.ProvisionAsync(Provision(3), default);
        _provider.ScriptRelease("fake-0002.example", ReleaseOutcome.Failed, "API refused").ScriptRelease("fake-0003", ReleaseOutcome.Releasing);
        var asked = _provider.Machines.Select(Samples.Asked).ToArray();

        var result = await _provider.ReleaseAsync(asked, default);
        var afterwards = await _provider.DescribeAsync(asked, default);

        result.Outcomes.Select(o => (o.Outcome, o.Message)).Should().Equal(
            (ReleaseOutcome.Released, null), (ReleaseOutcome.Failed, "API refused"), (ReleaseOutcome.Releasing, null));
        afterwards.Select(o => o.Status).Should().Equal(MachineStatus.Terminated, MachineStatus.Running, MachineStatus.Terminated);
        _provider.ReleasedMachines.Should().HaveCount(3);
        (await _provider.ReleaseAsync([asked[0]], default)).Outcomes.Single().Outcome.Should().Be(ReleaseOutcome.AlreadyGone);
    }

    [Fact]
    public async Task ListReclaimedAsync_WhenReclaimedOrLost_ReportsThemWithGrace()
    {
        await _provider.ProvisionAsync(Provision(3), default);
        _provider.Reclaim("fake-0001.example", gracePeriodSeconds: 120);
        _provider.Lose("fake-0003");
        var asked = _provider.Machines.Select(Samples.Asked).ToArray();

        var reclaimed = await _provider.ListReclaimedAsync(asked, default);
        var described = await _provider.DescribeAsync(asked, default);

        reclaimed.Should().Equal(new ReclaimedMachine("fake-0001", "fake-0001.example", 120), new ReclaimedMachine("fake-0003", "fake-0003.example", 0));
        described[2].Status.Should().Be(MachineStatus.Terminated);
        described[0].Status.Should().NotBe(MachineStatus.Terminated, "a reclaim with grace has not happened yet");
    }

    [Fact]
    public async Task DescribeAsync_WhenMachineUnknown_ReportsTerminatedWithAMessage()
    {
        var observation = (await _provider.DescribeAsync([new ProviderMachine(MachineId.New(), "i-nope", "x", new Dictionary<string, string>())], default)).Single();

        observation.Status.Should().Be(MachineStatus.Terminated);
        observation.Message.Should().Contain("does not know");
    }

    [Fact]
    public async Task Calls_WhenScriptedToThrow_Throw()
    {
        _provider.DescribeThrows = new HttpRequestException("describe down");
        _provider.ReleaseThrows = new HttpRequestException("release down");
        _provider.ListReclaimedThrows = new HttpRequestException("reclaim down");
        _provider.ValidateThrows = new HttpRequestException("validate down");

        await FluentActions.Awaiting(() => _provider.DescribeAsync([], default)).Should().ThrowAsync<HttpRequestException>();
        await FluentActions.Awaiting(() => _provider.ReleaseAsync([], default)).Should().ThrowAsync<HttpRequestException>();
        await FluentActions.Awaiting(() => _provider.ListReclaimedAsync([], default)).Should().ThrowAsync<HttpRequestException>();
        await FluentActions.Awaiting(() => _provider.ValidateTemplateAsync(Template().ToSnapshot(), default)).Should().ThrowAsync<HttpRequestException>();
        _provider.ReleaseCalls.Should().ContainSingle("the call is recorded before it throws");
    }

    [Fact]
    public async Task ValidateTemplateAsync_WhenProblemsScripted_ReturnsThem()
    {
        _provider.ValidationProblems = ["imageId is missing"];

        var problems = await _provider.ValidateTemplateAsync(Template().ToSnapshot(), default);

        problems.Should().Equal("imageId is missing");
        _provider.ValidateCalls.Should().Be(1);
    }

    [Fact]
    public async Task BeforeProvision_WhenSet_RunsBeforeMachinesAreMade()
    {
        var machinesSeen = -1;
        _provider.BeforeProvision = (_, _) =>
        {
            machinesSeen = _provider.Machines.Count;
            return Task.CompletedTask;
        };

        await _provider.ProvisionAsync(Provision(2), default);

        machinesSeen.Should().Be(0);
        _provider.Machines.Should().HaveCount(2);
    }

    [Fact]
    public async Task ProvisionAsync_WhenAskedAgainUnderTheSameKey_ReturnsTheSameMachinesAndMakesNone()
    {
        var request = Provision(2);
        var first = await _provider.ProvisionAsync(request, default);

        var again = await _provider.ProvisionAsync(request with { Count = 3 }, default);

        again.Machines.Select(m => m.ProviderMachineId).Should().Equal(first.Machines.Select(m => m.ProviderMachineId));
        again.Error.Should().Contain("makes no more under it");
        _provider.Machines.Should().HaveCount(2);
    }

    [Fact]
    public async Task ProvisionAsync_UnderTheNextAttemptsKey_MakesNewMachines()
    {
        var request = Provision(1);
        await _provider.ProvisionAsync(request, default);

        await _provider.ProvisionAsync(request with { Key = new ProvisionKey(request.RequestId, 1) }, default);

        _provider.Machines.Select(m => m.Key.Attempt).Should().Equal(0, 1);
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheCallerDiesAfterTheMachinesAreMade_KeepsThem()
    {
        using var dying = new CancellationTokenSource();
        _provider.AfterProvision = (_, _, _) =>
        {
            dying.Cancel();
            return Task.CompletedTask;
        };

        var provisioning = () => _provider.ProvisionAsync(Provision(2), dying.Token);

        await provisioning.Should().ThrowAsync<OperationCanceledException>();
        _provider.Machines.Should().HaveCount(2);
    }

    [Fact]
    public async Task ListHeldAsync_ListsTheMachinesOfARequestOrAllItHolds_LeavingOutReleasedOnes()
    {
        var first = Provision(2);
        var second = Provision(1);
        await _provider.ProvisionAsync(first, default);
        await _provider.ProvisionAsync(second, default);
        await _provider.ReleaseAsync([Samples.Asked(_provider.Machines[0])], default);

        var ofFirst = await _provider.ListHeldAsync(first.RequestId, default);
        var all = await _provider.ListHeldAsync(null, default);

        ofFirst.Machines.Should().ContainSingle().Which.Should().BeEquivalentTo(new { first.Key, Machine = new { ProviderMachineId = "fake-0002" } });
        all.Machines.Select(h => h.Machine.ProviderMachineId).Should().Equal("fake-0002", "fake-0003");
    }

    [Fact]
    public async Task ListHeldAsync_WhenPlayingAProviderThatCannotList_SaysSo()
    {
        _provider.CanListHeld = false;

        var held = await _provider.ListHeldAsync(null, default);

        held.IsSupported.Should().BeFalse();
        held.Reason.Should().Contain("cannot list");
    }

    [Fact]
    public void Reclaim_WhenMachineUnknown_ThrowsNamingIt() =>
        FluentActions.Invoking(() => _provider.Reclaim("ghost")).Should().Throw<InvalidOperationException>().WithMessage("*'ghost'*");

    private Template Template() =>
        Domain.Templates.Template.Create(new TemplateId("t"), "fake", 5, TestTemplates.Attributes(), ProviderSettings.Empty, null, _clock);

    private ProvisionRequest Provision(int count) => new(new ProvisionKey(RequestId.NewAcquire(), 0), Template().ToSnapshot(), count);
}
