using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;

namespace HostFactory.Domain.Tests.Requests;

public sealed class RequestTests
{
    private readonly FakeTimeProvider _clock = TestData.Clock();

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Fact]
    public void CreateAcquire_WhenValid_IsPendingAndRaisesRequestCreated()
    {
        var request = Request.CreateAcquire(TestData.TemplateId, 3, TimeSpan.FromMinutes(20), _clock);

        request.Id.Kind.Should().Be(RequestKind.Acquire);
        request.Id.Value.Should().StartWith("req-");
        request.Kind.Should().Be(RequestKind.Acquire);
        request.TemplateId.Should().Be(TestData.TemplateId);
        request.RequestedCount.Should().Be(3);
        request.MachineIds.Should().BeEmpty();
        request.Status.Should().Be(RequestStatus.Pending);
        request.Message.Should().BeEmpty();
        request.CreatedAt.Should().Be(Now);
        request.UpdatedAt.Should().Be(Now);
        request.CompletedAt.Should().BeNull();
        request.Deadline.Should().Be(Now.AddMinutes(20));
        request.SyncAttempts.Should().Be(0);
        request.Version.Should().Be(0);
        request.IsFinished.Should().BeFalse();
        request.DomainEvents.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new RequestCreated(request.Id, RequestKind.Acquire, TestData.TemplateId, 3, [], Now.AddMinutes(20), Now));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void CreateAcquire_WhenCountBelowOne_ThrowsNamingMachineCount(int count)
    {
        FluentActions.Invoking(() => Request.CreateAcquire(TestData.TemplateId, count, TestData.Timeout, _clock))
            .Should().Throw<DomainRuleViolationException>().WithMessage($"machineCount must be at least 1, was {count}.");
    }

    [Fact]
    public void CreateAcquire_WhenTimeoutNotPositive_Throws()
    {
        FluentActions.Invoking(() => Request.CreateAcquire(TestData.TemplateId, 1, TimeSpan.Zero, _clock))
            .Should().Throw<DomainRuleViolationException>().WithMessage("*timeout must be positive*");
    }

    [Fact]
    public void CreateAcquire_WhenTemplateIdDefault_Throws()
    {
        FluentActions.Invoking(() => Request.CreateAcquire(default, 1, TestData.Timeout, _clock))
            .Should().Throw<DomainRuleViolationException>().WithMessage("*template id*");
    }

    [Fact]
    public void CreateReturn_WhenValid_CountsItsMachinesAndRaisesRequestCreated()
    {
        MachineId[] machines = [MachineId.New(), MachineId.New()];

        var request = Request.CreateReturn(machines, TestData.Timeout, _clock);

        request.Id.Value.Should().StartWith("ret-");
        request.Kind.Should().Be(RequestKind.Return);
        request.TemplateId.Should().BeNull();
        request.RequestedCount.Should().Be(2);
        request.MachineIds.Should().Equal(machines);
        request.DomainEvents.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new RequestCreated(request.Id, RequestKind.Return, null, 2, machines, Now + TestData.Timeout, Now));
    }

    [Fact]
    public void CreateReturn_WhenNoMachines_IsStillARequest()
    {
        var request = Request.CreateReturn([], TestData.Timeout, _clock);

        request.RequestedCount.Should().Be(0);
        request.Status.Should().Be(RequestStatus.Pending);
    }

    [Fact]
    public void CreateReturn_WhenMachineRepeated_Throws()
    {
        var machine = MachineId.New();

        FluentActions.Invoking(() => Request.CreateReturn([machine, machine], TestData.Timeout, _clock))
            .Should().Throw<DomainRuleViolationException>().WithMessage("*repeated*");
    }

    [Fact]
    public void Complete_WhenProvisioning_RaisesStatusChangedThenCompleted()
    {
        var request = NewAcquire(2);
        request.DequeueEvents();
        _clock.Advance(TimeSpan.FromMinutes(1));
        request.BeginProvisioning(_clock);
        _clock.Advance(TimeSpan.FromMinutes(1));

        request.Complete(_clock);

        request.Status.Should().Be(RequestStatus.Completed);
        request.IsFinished.Should().BeTrue();
        request.CompletedAt.Should().Be(Now);
        request.DomainEvents.Should().Equal(
            new RequestStatusChanged(request.Id, RequestStatus.Pending, RequestStatus.Provisioning, "", Now.AddMinutes(-1)),
            new RequestStatusChanged(request.Id, RequestStatus.Provisioning, RequestStatus.Completed, "", Now),
            new RequestCompleted(request.Id, RequestStatus.Completed, "", Now));
    }

    public static TheoryData<RequestStatus, string> EndingsWithMessage => new()
    {
        { RequestStatus.CompletedWithErrors, "1 of 2 machines failed" },
        { RequestStatus.Failed, "quota exceeded" },
        { RequestStatus.Cancelled, "operator cancelled" },
    };

    [Theory]
    [MemberData(nameof(EndingsWithMessage))]
    public void EndingWithMessage_WhenProvisioning_KeepsMessageAndCarriesItInRequestCompleted(RequestStatus ending, string message)
    {
        var request = NewAcquire(2);
        request.BeginProvisioning(_clock);
        request.DequeueEvents();

        End(request, ending, message);

        request.Status.Should().Be(ending);
        request.Message.Should().Be(message);
        request.DomainEvents.Should().Equal(
            new RequestStatusChanged(request.Id, RequestStatus.Provisioning, ending, message, Now),
            new RequestCompleted(request.Id, ending, message, Now));
    }

    [Theory]
    [MemberData(nameof(EndingsWithMessage))]
    public void EndingWithMessage_WhenMessageBlank_ThrowsAndChangesNothing(RequestStatus ending, string message)
    {
        _ = message;
        var request = NewAcquire(2);
        request.BeginProvisioning(_clock);
        request.DequeueEvents();

        FluentActions.Invoking(() => End(request, ending, " ")).Should().Throw<DomainRuleViolationException>();

        request.Status.Should().Be(RequestStatus.Provisioning);
        request.DomainEvents.Should().BeEmpty();
    }

    [Fact]
    public void BeginProvisioning_WhenCompleted_ThrowsNamingEntityIdAndBothStates()
    {
        var request = NewAcquire(1);
        request.BeginProvisioning(_clock);
        request.Complete(_clock);

        FluentActions.Invoking(() => request.BeginProvisioning(_clock))
            .Should().Throw<InvalidStateTransitionException>()
            .WithMessage($"Request '{request.Id}' cannot move from 'completed' to 'provisioning'.");
    }

    [Fact]
    public void BeginReleasing_WhenAcquire_Throws()
    {
        var request = NewAcquire(1);

        FluentActions.Invoking(() => request.BeginReleasing(_clock))
            .Should().Throw<InvalidStateTransitionException>()
            .WithMessage($"Request '{request.Id}' cannot move from 'pending' to 'releasing'.");
    }

    [Fact]
    public void TimeOut_WhenPastDeadline_SaysTheDeadlinePassedWithItsTime()
    {
        var request = Request.CreateAcquire(TestData.TemplateId, 1, TimeSpan.FromMinutes(30), _clock);
        request.BeginProvisioning(_clock);
        _clock.Advance(TimeSpan.FromMinutes(31));

        request.TimeOut(_clock);

        request.Status.Should().Be(RequestStatus.TimedOut);
        request.Message.Should().Be("The request did not finish before its deadline 2025-01-01 08:30:00Z.");
        request.DomainEvents.OfType<RequestCompleted>().Should().ContainSingle()
            .Which.Should().Be(new RequestCompleted(request.Id, RequestStatus.TimedOut, request.Message, Now));
    }

    [Fact]
    public void TimeOut_WhenDeadlineNotPassed_ThrowsAndStaysProvisioning()
    {
        var request = Request.CreateAcquire(TestData.TemplateId, 1, TimeSpan.FromMinutes(30), _clock);
        request.BeginProvisioning(_clock);
        _clock.Advance(TimeSpan.FromMinutes(30));

        FluentActions.Invoking(() => request.TimeOut(_clock))
            .Should().Throw<DomainRuleViolationException>().WithMessage("*cannot time out before its deadline 2025-01-01 08:30:00Z*");
        request.Status.Should().Be(RequestStatus.Provisioning);
    }

    [Fact]
    public void IsPastDeadline_AroundTheDeadline_IsTrueOnlyAfterIt()
    {
        var request = Request.CreateAcquire(TestData.TemplateId, 1, TimeSpan.FromMinutes(30), _clock);

        request.IsPastDeadline(request.Deadline.AddTicks(-1)).Should().BeFalse();
        request.IsPastDeadline(request.Deadline).Should().BeFalse();
        request.IsPastDeadline(request.Deadline.AddTicks(1)).Should().BeTrue();
    }

    [Fact]
    public void AddMachines_WhenProvisioning_AppendsAndRaisesRequestMachinesAdded()
    {
        var request = NewAcquire(3);
        request.BeginProvisioning(_clock);
        request.DequeueEvents();
        MachineId[] first = [MachineId.New()];
        MachineId[] second = [MachineId.New(), MachineId.New()];
        _clock.Advance(TimeSpan.FromSeconds(5));

        request.AddMachines(first, _clock);
        request.AddMachines(second, _clock);

        request.MachineIds.Should().Equal([.. first, .. second]);
        request.UpdatedAt.Should().Be(Now);
        request.DomainEvents.Should().HaveCount(2);
        request.DomainEvents[1].Should().BeEquivalentTo(new RequestMachinesAdded(request.Id, second, Now));
    }

    [Fact]
    public void AddMachines_WhenPending_IsAllowed()
    {
        var request = NewAcquire(1);

        request.AddMachines([MachineId.New()], _clock);

        request.MachineIds.Should().ContainSingle();
    }

    [Fact]
    public void AddMachines_WhenNothingGiven_RaisesNothing()
    {
        var request = NewAcquire(1);
        request.DequeueEvents();

        request.AddMachines([], _clock);

        request.DomainEvents.Should().BeEmpty();
    }

    [Fact]
    public void AddMachines_WhenMoreThanRequested_ThrowsAndAddsNothing()
    {
        var request = NewAcquire(2);
        request.AddMachines([MachineId.New()], _clock);

        FluentActions.Invoking(() => request.AddMachines([MachineId.New(), MachineId.New()], _clock))
            .Should().Throw<DomainRuleViolationException>().WithMessage("*asked for 2 machine(s) and cannot hold 3*");
        request.MachineIds.Should().ContainSingle();
    }

    [Fact]
    public void AddMachines_WhenAlreadyHeld_ThrowsAndAddsNothing()
    {
        var request = NewAcquire(3);
        var held = MachineId.New();
        request.AddMachines([held], _clock);

        FluentActions.Invoking(() => request.AddMachines([MachineId.New(), held], _clock))
            .Should().Throw<DomainRuleViolationException>().WithMessage($"*already holds machine '{held}'*");
        request.MachineIds.Should().Equal(held);
    }

    [Fact]
    public void AddMachines_WhenRepeatedInOneCall_Throws()
    {
        var request = NewAcquire(3);
        var machine = MachineId.New();

        FluentActions.Invoking(() => request.AddMachines([machine, machine], _clock)).Should().Throw<DomainRuleViolationException>();
        request.MachineIds.Should().BeEmpty();
    }

    [Fact]
    public void AddMachines_WhenFinished_Throws()
    {
        var request = NewAcquire(2);
        request.Fail("no capacity", _clock);

        FluentActions.Invoking(() => request.AddMachines([MachineId.New()], _clock))
            .Should().Throw<DomainRuleViolationException>().WithMessage("*is 'failed'*pending or provisioning*");
    }

    [Fact]
    public void AddMachines_WhenReturnRequest_Throws()
    {
        var request = Request.CreateReturn([MachineId.New()], TestData.Timeout, _clock);

        FluentActions.Invoking(() => request.AddMachines([MachineId.New()], _clock))
            .Should().Throw<DomainRuleViolationException>().WithMessage("*return request*");
    }

    [Fact]
    public void RecordSync_WhenCalled_CountsWithoutEvents()
    {
        var request = NewAcquire(1);
        request.DequeueEvents();
        _clock.Advance(TimeSpan.FromSeconds(30));

        request.RecordSync(_clock);
        request.RecordSync(_clock);

        request.SyncAttempts.Should().Be(2);
        request.UpdatedAt.Should().Be(Now);
        request.DomainEvents.Should().BeEmpty();
    }

    [Fact]
    public void ReturnLifecycle_WhenReleased_EndsCompleted()
    {
        var request = Request.CreateReturn([MachineId.New()], TestData.Timeout, _clock);

        request.BeginReleasing(_clock);
        request.Complete(_clock);

        request.Status.Should().Be(RequestStatus.Completed);
        request.DomainEvents.OfType<RequestStatusChanged>().Select(e => e.To)
            .Should().Equal(RequestStatus.Releasing, RequestStatus.Completed);
    }

    [Fact]
    public void FromSnapshot_WhenAcquireRoundTripped_IsEquivalentAndRaisesNothing()
    {
        var request = NewAcquire(2);
        request.BeginProvisioning(_clock);
        request.AddMachines([MachineId.New(), MachineId.New()], _clock);
        request.RecordSync(_clock);
        _clock.Advance(TimeSpan.FromMinutes(3));
        request.CompleteWithErrors("1 machine failed", _clock);
        request.MarkPersisted(7);
        var snapshot = request.ToSnapshot();

        var restored = Request.FromSnapshot(snapshot);

        restored.ToSnapshot().Should().BeEquivalentTo(snapshot, o => o.WithStrictOrdering());
        restored.Version.Should().Be(7);
        restored.SyncAttempts.Should().Be(1);
        restored.DomainEvents.Should().BeEmpty();
    }

    [Fact]
    public void FromSnapshot_WhenReturnRoundTripped_IsEquivalent()
    {
        var request = Request.CreateReturn([MachineId.New()], TestData.Timeout, _clock);
        request.BeginReleasing(_clock);
        var snapshot = request.ToSnapshot();

        Request.FromSnapshot(snapshot).ToSnapshot().Should().BeEquivalentTo(snapshot);
    }

    [Fact]
    public void ToSnapshot_WhenRequestChangesLater_KeepsItsMachineList()
    {
        var request = NewAcquire(2);
        var snapshot = request.ToSnapshot();

        request.AddMachines([MachineId.New()], _clock);

        snapshot.MachineIds.Should().BeEmpty();
    }

    public static TheoryData<string, Func<RequestSnapshot, RequestSnapshot>> BrokenAcquireSnapshots => new()
    {
        { "kind differs from prefix", s => s with { Kind = RequestKind.Return } },
        { "status of the other kind", s => s with { Status = RequestStatus.Releasing } },
        { "undefined status", s => s with { Status = (RequestStatus)42 } },
        { "no template", s => s with { TemplateId = null } },
        { "count below one", s => s with { RequestedCount = 0 } },
        { "more machines than asked", s => s with { RequestedCount = 1, MachineIds = [MachineId.New(), MachineId.New()] } },
        { "repeated machine", s => s with { MachineIds = [s.MachineIds[0], s.MachineIds[0]] } },
        { "default machine id", s => s with { MachineIds = [default] } },
        { "null message", s => s with { Message = null! } },
        { "final without completion time", s => s with { Status = RequestStatus.Completed } },
        { "completion time while running", s => s with { CompletedAt = s.CreatedAt } },
        { "deadline not after creation", s => s with { Deadline = s.CreatedAt } },
        { "updated before created", s => s with { UpdatedAt = s.CreatedAt.AddSeconds(-1) } },
        { "negative version", s => s with { Version = -1 } },
        { "negative sync attempts", s => s with { SyncAttempts = -1 } },
        { "default id", s => s with { Id = default } },
    };

    [Theory]
    [MemberData(nameof(BrokenAcquireSnapshots))]
    public void FromSnapshot_WhenAcquireRuleBroken_Throws(string because, Func<RequestSnapshot, RequestSnapshot> breakIt)
    {
        var snapshot = breakIt(TestData.RequestSnapshotIn(RequestKind.Acquire, RequestStatus.Provisioning, Now));

        FluentActions.Invoking(() => Request.FromSnapshot(snapshot))
            .Should().Throw<DomainRuleViolationException>(because).WithMessage("Request '*' is invalid: *");
    }

    public static TheoryData<string, Func<RequestSnapshot, RequestSnapshot>> BrokenReturnSnapshots => new()
    {
        { "template on a return", s => s with { TemplateId = TestData.TemplateId } },
        { "count differs from machines", s => s with { RequestedCount = 2 } },
        { "cancelled return", s => s with { Status = RequestStatus.Cancelled, CompletedAt = s.CreatedAt } },
        { "kind differs from prefix", s => s with { Kind = RequestKind.Acquire, TemplateId = TestData.TemplateId } },
    };

    [Theory]
    [MemberData(nameof(BrokenReturnSnapshots))]
    public void FromSnapshot_WhenReturnRuleBroken_Throws(string because, Func<RequestSnapshot, RequestSnapshot> breakIt)
    {
        var snapshot = breakIt(TestData.RequestSnapshotIn(RequestKind.Return, RequestStatus.Releasing, Now));

        FluentActions.Invoking(() => Request.FromSnapshot(snapshot)).Should().Throw<DomainRuleViolationException>(because);
    }

    private Request NewAcquire(int count) => Request.CreateAcquire(TestData.TemplateId, count, TestData.Timeout, _clock);

    private void End(Request request, RequestStatus ending, string message)
    {
        switch (ending)
        {
            case RequestStatus.CompletedWithErrors: request.CompleteWithErrors(message, _clock); break;
            case RequestStatus.Failed: request.Fail(message, _clock); break;
            case RequestStatus.Cancelled: request.Cancel(message, _clock); break;
            default: throw new ArgumentOutOfRangeException(nameof(ending));
        }
    }
}
