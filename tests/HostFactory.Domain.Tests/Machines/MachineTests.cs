using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;

namespace HostFactory.Domain.Tests.Machines;

public sealed class MachineTests
{
    private readonly FakeTimeProvider _clock = TestData.Clock();

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Fact]
    public void Provision_WhenValid_CopiesTheProviderReportAndRaisesMachineProvisioned()
    {
        var id = MachineId.New();
        var requestId = RequestId.NewAcquire();
        var data = new Dictionary<string, string> { ["pid"] = "4242" };
        var provisioned = new ProvisionedMachine(
            "i-0abc", "host-a.example", "10.0.0.5", "52.1.2.3", Now.AddSeconds(-5), MachineStatus.Pending, data,
            "t3.micro", "spot", "h-1", new Dictionary<string, string> { ["team"] = "hpc" });

        var machine = Machine.Provision(id, requestId, TestData.TemplateId, "aws", provisioned, _clock);
        data["pid"] = "changed";

        machine.Id.Should().Be(id);
        machine.ProviderName.Should().Be("aws");
        machine.ProviderMachineId.Should().Be("i-0abc");
        machine.HostName.Should().Be("host-a.example");
        machine.PrivateIpAddress.Should().Be("10.0.0.5");
        machine.PublicIpAddress.Should().Be("52.1.2.3");
        machine.LaunchTime.Should().Be(Now.AddSeconds(-5));
        machine.TemplateId.Should().Be(TestData.TemplateId);
        machine.RequestId.Should().Be(requestId);
        machine.ReturnRequestId.Should().BeNull();
        machine.IsReturning.Should().BeFalse();
        machine.Status.Should().Be(MachineStatus.Pending);
        machine.Message.Should().BeEmpty();
        machine.ProviderData.Should().Equal(new Dictionary<string, string> { ["pid"] = "4242" });
        machine.InstanceType.Should().Be("t3.micro");
        machine.PriceType.Should().Be("spot");
        machine.CloudHostId.Should().Be("h-1");
        machine.Tags.Should().Equal(new Dictionary<string, string> { ["team"] = "hpc" });
        machine.CreatedAt.Should().Be(Now);
        machine.UpdatedAt.Should().Be(Now);
        machine.Version.Should().Be(0);
        machine.DomainEvents.Should().Equal(new MachineProvisioned(
            id, requestId, TestData.TemplateId, "aws", "i-0abc", "host-a.example", MachineStatus.Pending, Now));
    }

    [Fact]
    public void Provision_WhenNoTags_HasEmptyTags()
    {
        TestData.MachineIn(MachineStatus.Pending, _clock).Tags.Should().BeEmpty();
    }

    [Fact]
    public void Provision_WhenRequestIsAReturn_Throws()
    {
        FluentActions.Invoking(() => Machine.Provision(MachineId.New(), RequestId.NewReturn(), TestData.TemplateId, "local", TestData.Provisioned(), _clock))
            .Should().Throw<DomainRuleViolationException>().WithMessage("*acquire ('req-') request*");
    }

    [Fact]
    public void Provision_WhenProviderMachineIdBlank_Throws()
    {
        FluentActions.Invoking(() => Machine.Provision(MachineId.New(), RequestId.NewAcquire(), TestData.TemplateId, "local", TestData.Provisioned() with { ProviderMachineId = " " }, _clock))
            .Should().Throw<DomainRuleViolationException>().WithMessage("*provider's machine id*");
    }

    [Fact]
    public void Provision_WhenMachineIdDefault_Throws()
    {
        FluentActions.Invoking(() => Machine.Provision(default, RequestId.NewAcquire(), TestData.TemplateId, "local", TestData.Provisioned(), _clock))
            .Should().Throw<DomainRuleViolationException>();
    }

    [Fact]
    public void ApplyProviderStatus_WhenMessageNull_KeepsTheCurrentMessage()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);
        machine.MarkFailed("disk error", _clock);

        machine.ApplyProviderStatus(MachineStatus.Terminated, null, _clock);

        machine.Message.Should().Be("disk error");
    }

    [Fact]
    public void MarkRunning_WhenPending_TakesAddressesClearsMessageAndRaisesStatusChanged()
    {
        var machine = TestData.MachineIn(MachineStatus.Pending, _clock);
        machine.ApplyProviderStatus(MachineStatus.Unknown, "no answer", _clock);
        machine.DequeueEvents();
        _clock.Advance(TimeSpan.FromSeconds(30));

        machine.MarkRunning("host-b.example", "10.0.0.9", "52.0.0.1", _clock);

        machine.Status.Should().Be(MachineStatus.Running);
        (machine.HostName, machine.PrivateIpAddress, machine.PublicIpAddress).Should().Be(("host-b.example", "10.0.0.9", "52.0.0.1"));
        machine.Message.Should().BeEmpty();
        machine.UpdatedAt.Should().Be(Now);
        machine.DomainEvents.Should().Equal(new MachineStatusChanged(machine.Id, MachineStatus.Unknown, MachineStatus.Running, "", Now));
    }

    [Fact]
    public void MarkRunning_WhenAddressesOmitted_KeepsTheCurrentOnes()
    {
        var machine = TestData.MachineIn(MachineStatus.Pending, _clock);

        machine.MarkRunning(null, "", null, _clock);

        (machine.HostName, machine.PrivateIpAddress, machine.PublicIpAddress).Should().Be(("host-a.example", "10.0.0.5", (string?)null));
    }

    [Fact]
    public void MarkRunning_WhenAlreadyRunning_UpdatesAddressesWithoutEvent()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);
        _clock.Advance(TimeSpan.FromSeconds(30));

        machine.MarkRunning(null, null, "52.0.0.2", _clock);

        machine.PublicIpAddress.Should().Be("52.0.0.2");
        machine.UpdatedAt.Should().Be(Now);
        machine.DomainEvents.Should().BeEmpty();
    }

    [Fact]
    public void MarkRunning_WhenShuttingDown_ThrowsAndKeepsAddresses()
    {
        var machine = TestData.MachineIn(MachineStatus.ShuttingDown, _clock);

        FluentActions.Invoking(() => machine.MarkRunning("other.example", null, null, _clock))
            .Should().Throw<InvalidStateTransitionException>()
            .WithMessage($"Machine '{machine.Id}' cannot move from 'shutting-down' to 'running'.");
        machine.HostName.Should().Be("host-a.example");
    }

    [Fact]
    public void MarkFailed_WhenRunning_KeepsMessageAndRaisesStatusChanged()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);

        machine.MarkFailed("kernel panic", _clock);

        machine.Status.Should().Be(MachineStatus.Failed);
        machine.Message.Should().Be("kernel panic");
        machine.DomainEvents.Should().Equal(new MachineStatusChanged(machine.Id, MachineStatus.Running, MachineStatus.Failed, "kernel panic", Now));
    }

    [Fact]
    public void MarkFailed_WhenMessageBlank_Throws()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);

        FluentActions.Invoking(() => machine.MarkFailed("", _clock)).Should().Throw<DomainRuleViolationException>();
        machine.Status.Should().Be(MachineStatus.Running);
    }

    [Theory]
    [InlineData(MachineStatus.Running)]
    [InlineData(MachineStatus.Failed)]
    [InlineData(MachineStatus.Unknown)]
    [InlineData(MachineStatus.ShuttingDown)]
    public void BeginReturn_WhenNotTerminated_RecordsTheReturnAndRaisesMachineReturnStarted(MachineStatus status)
    {
        var machine = TestData.MachineIn(status, _clock);
        var returnId = RequestId.NewReturn();

        machine.BeginReturn(returnId, _clock);

        machine.ReturnRequestId.Should().Be(returnId);
        machine.IsReturning.Should().BeTrue();
        machine.Status.Should().Be(status);
        machine.DomainEvents.Should().Equal(new MachineReturnStarted(machine.Id, returnId, Now));
    }

    [Fact]
    public void BeginReturn_WhenAlreadyReturning_ThrowsNamingBothReturns()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);
        var first = RequestId.NewReturn();
        var second = RequestId.NewReturn();
        machine.BeginReturn(first, _clock);

        var thrown = FluentActions.Invoking(() => machine.BeginReturn(second, _clock)).Should().Throw<InvalidStateTransitionException>().Which;

        thrown.Message.Should().Be($"Machine '{machine.Id}' cannot move from 'returning by {first}' to 'returning by {second}'.");
        machine.ReturnRequestId.Should().Be(first);
    }

    [Fact]
    public void BeginReturn_WhenTerminated_Throws()
    {
        var machine = TestData.MachineIn(MachineStatus.Terminated, _clock);
        var returnId = RequestId.NewReturn();

        FluentActions.Invoking(() => machine.BeginReturn(returnId, _clock))
            .Should().Throw<InvalidStateTransitionException>()
            .WithMessage($"Machine '{machine.Id}' cannot move from 'terminated' to 'returning by {returnId}'.");
        machine.IsReturning.Should().BeFalse();
    }

    [Fact]
    public void BeginReturn_WhenGivenAnAcquireId_Throws()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);

        FluentActions.Invoking(() => machine.BeginReturn(RequestId.NewAcquire(), _clock))
            .Should().Throw<DomainRuleViolationException>().WithMessage("*return ('ret-') request*");
        FluentActions.Invoking(() => machine.BeginReturn(default, _clock)).Should().Throw<DomainRuleViolationException>();
    }

    [Fact]
    public void MarkTerminated_WhenReturning_RaisesStatusChangedThenMachineReturned()
    {
        var machine = TestData.MachineIn(MachineStatus.ShuttingDown, _clock);
        var returnId = RequestId.NewReturn();
        machine.BeginReturn(returnId, _clock);
        machine.DequeueEvents();

        machine.MarkTerminated(_clock);

        machine.Status.Should().Be(MachineStatus.Terminated);
        machine.IsActive.Should().BeFalse();
        machine.DomainEvents.Should().Equal(
            new MachineStatusChanged(machine.Id, MachineStatus.ShuttingDown, MachineStatus.Terminated, "", Now),
            new MachineReturned(machine.Id, returnId, Now));
    }

    [Fact]
    public void MarkTerminated_WhenNotReturning_RaisesOnlyStatusChanged()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);

        machine.MarkTerminated(_clock);

        machine.DomainEvents.Should().Equal(new MachineStatusChanged(machine.Id, MachineStatus.Running, MachineStatus.Terminated, "", Now));
    }

    [Fact]
    public void ApplyProviderStatus_WhenReturningMachineTerminates_RaisesMachineReturned()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);
        var returnId = RequestId.NewReturn();
        machine.BeginReturn(returnId, _clock);
        machine.DequeueEvents();

        machine.ApplyProviderStatus(MachineStatus.Terminated, "released", _clock);

        machine.DomainEvents.OfType<MachineReturned>().Should().Equal(new MachineReturned(machine.Id, returnId, Now));
    }

    [Fact]
    public void MarkTerminated_WhenAlreadyTerminated_Throws()
    {
        var machine = TestData.MachineIn(MachineStatus.Terminated, _clock);

        FluentActions.Invoking(() => machine.MarkTerminated(_clock))
            .Should().Throw<InvalidStateTransitionException>()
            .WithMessage($"Machine '{machine.Id}' cannot move from 'terminated' to 'terminated'.");
    }

    [Fact]
    public void MarkReclaimed_WhenRunning_TerminatesWithTheReason()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);

        machine.MarkReclaimed("spot instance reclaimed", _clock);

        machine.Status.Should().Be(MachineStatus.Terminated);
        machine.Message.Should().Be("spot instance reclaimed");
        machine.DomainEvents.Should().Equal(
            new MachineStatusChanged(machine.Id, MachineStatus.Running, MachineStatus.Terminated, "spot instance reclaimed", Now));
    }

    [Fact]
    public void MarkReclaimed_WhenReasonBlank_Throws()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);

        FluentActions.Invoking(() => machine.MarkReclaimed(" ", _clock)).Should().Throw<DomainRuleViolationException>();
    }

    [Fact]
    public void AbandonReturn_WhenReturning_ClearsTheReturnKeepsStatusAndRaisesMachineReturnAbandoned()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);
        var returnId = RequestId.NewReturn();
        machine.BeginReturn(returnId, _clock);
        machine.DequeueEvents();

        machine.AbandonReturn("quota API refused the termination", _clock);

        machine.IsReturning.Should().BeFalse();
        machine.Status.Should().Be(MachineStatus.Running);
        machine.Message.Should().Be("quota API refused the termination");
        machine.DomainEvents.Should().Equal(new MachineReturnAbandoned(machine.Id, returnId, "quota API refused the termination", Now));
    }

    [Fact]
    public void AbandonReturn_WhenAbandoned_CanBeReturnedAgain()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);
        machine.BeginReturn(RequestId.NewReturn(), _clock);
        machine.AbandonReturn("refused", _clock);
        var second = RequestId.NewReturn();

        machine.BeginReturn(second, _clock);

        machine.ReturnRequestId.Should().Be(second);
    }

    [Fact]
    public void AbandonReturn_WhenNotReturning_Throws()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);

        FluentActions.Invoking(() => machine.AbandonReturn("refused", _clock))
            .Should().Throw<InvalidStateTransitionException>()
            .WithMessage($"Machine '{machine.Id}' cannot move from 'not returning' to 'return abandoned'.");
        machine.DomainEvents.Should().BeEmpty();
    }

    [Fact]
    public void AbandonReturn_WhenTerminated_ThrowsAndKeepsTheReturn()
    {
        var machine = TestData.MachineIn(MachineStatus.ShuttingDown, _clock);
        var returnId = RequestId.NewReturn();
        machine.BeginReturn(returnId, _clock);
        machine.MarkTerminated(_clock);

        FluentActions.Invoking(() => machine.AbandonReturn("refused", _clock))
            .Should().Throw<InvalidStateTransitionException>()
            .WithMessage($"Machine '{machine.Id}' cannot move from 'terminated' to 'return abandoned'.");
        machine.ReturnRequestId.Should().Be(returnId);
    }

    [Fact]
    public void AbandonReturn_WhenReasonBlank_ThrowsAndKeepsTheReturn()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);
        machine.BeginReturn(RequestId.NewReturn(), _clock);

        FluentActions.Invoking(() => machine.AbandonReturn(" ", _clock)).Should().Throw<DomainRuleViolationException>();
        machine.IsReturning.Should().BeTrue();
    }

    [Fact]
    public void ToProviderMachine_WhenCalled_CarriesIdsHostAndData()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);

        var told = machine.ToProviderMachine();

        told.MachineId.Should().Be(machine.Id);
        told.ProviderMachineId.Should().Be("i-0abc");
        told.HostName.Should().Be("host-a.example");
        told.ProviderData.Should().Equal(machine.ProviderData);
    }

    [Fact]
    public void FromSnapshot_WhenRoundTripped_IsEquivalentAndRaisesNothing()
    {
        var machine = Machine.Provision(
            MachineId.New(), RequestId.NewAcquire(), TestData.TemplateId, "aws",
            TestData.Provisioned() with { InstanceType = "t3.micro", Tags = new Dictionary<string, string> { ["a"] = "b" } }, _clock);
        machine.MarkRunning("h.example", "10.1.1.1", "52.1.1.1", _clock);
        machine.BeginReturn(RequestId.NewReturn(), _clock);
        machine.ApplyProviderStatus(MachineStatus.ShuttingDown, "releasing", _clock);
        machine.MarkPersisted(3);
        var snapshot = machine.ToSnapshot();

        var restored = Machine.FromSnapshot(snapshot);

        restored.ToSnapshot().Should().BeEquivalentTo(snapshot);
        restored.Version.Should().Be(3);
        restored.IsReturning.Should().BeTrue();
        restored.DomainEvents.Should().BeEmpty();
    }

    [Fact]
    public void Provision_WhenTheProviderReportsItsOwnId_HostFactorySeesTheProviderIdAndTheRecordKeepsIt()
    {
        var machine = Machine.Provision(MachineId.New(), RequestId.NewAcquire(), TestData.TemplateId, "aws",
            TestData.Provisioned() with { ProviderMachineId = "i-0abc" }, _clock, ReportedMachineId.ProviderId);

        var restored = Machine.FromSnapshot(machine.ToSnapshot());

        machine.ReportedMachineId.Should().Be(ReportedMachineId.ProviderId);
        restored.ToSnapshot().ProtocolMachineId.Should().Be("i-0abc");
    }

    [Fact]
    public void Provision_WhenTheProviderSaysNothing_HostFactorySeesOurId()
    {
        var machine = TestData.MachineIn(MachineStatus.Running, _clock);

        machine.ReportedMachineId.Should().Be(ReportedMachineId.OurId);
        machine.ToSnapshot().ProtocolMachineId.Should().Be(machine.Id.ToString());
    }

    public static TheoryData<string, Func<MachineSnapshot, MachineSnapshot>> BrokenSnapshots => new()
    {
        { "default id", s => s with { Id = default } },
        { "bad provider name", s => s with { ProviderName = "a b" } },
        { "blank provider machine id", s => s with { ProviderMachineId = "" } },
        { "null host name", s => s with { HostName = null! } },
        { "null message", s => s with { Message = null! } },
        { "null provider data", s => s with { ProviderData = null! } },
        { "null tags", s => s with { Tags = null! } },
        { "default template", s => s with { TemplateId = default } },
        { "return id as acquire request", s => s with { RequestId = RequestId.NewReturn() } },
        { "acquire id as return request", s => s with { ReturnRequestId = RequestId.NewAcquire() } },
        { "undefined status", s => s with { Status = (MachineStatus)42 } },
        { "updated before created", s => s with { UpdatedAt = s.CreatedAt.AddSeconds(-1) } },
        { "negative version", s => s with { Version = -1 } },
        { "undefined reported id", s => s with { ReportedMachineId = (ReportedMachineId)7 } },
    };

    [Theory]
    [MemberData(nameof(BrokenSnapshots))]
    public void FromSnapshot_WhenRuleBroken_Throws(string because, Func<MachineSnapshot, MachineSnapshot> breakIt)
    {
        var snapshot = breakIt(TestData.MachineIn(MachineStatus.Running, _clock).ToSnapshot());

        FluentActions.Invoking(() => Machine.FromSnapshot(snapshot))
            .Should().Throw<DomainRuleViolationException>(because).WithMessage("Machine '*' is invalid: *");
    }
}
