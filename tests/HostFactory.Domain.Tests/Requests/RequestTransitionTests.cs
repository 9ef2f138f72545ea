using HostFactory.Domain.Common;
using HostFactory.Domain.Requests;

namespace HostFactory.Domain.Tests.Requests;

/// <summary>Every (kind, from, to) against a table written here, independently of the domain's.</summary>
public sealed class RequestTransitionTests
{
    private static readonly HashSet<string> Legal =
    [
        "Acquire: Pending -> Provisioning",
        "Acquire: Pending -> Failed",
        "Acquire: Pending -> Cancelled",
        "Acquire: Provisioning -> Completed",
        "Acquire: Provisioning -> CompletedWithErrors",
        "Acquire: Provisioning -> Failed",
        "Acquire: Provisioning -> Cancelled",
        "Acquire: Provisioning -> TimedOut",
        "Return: Pending -> Releasing",
        "Return: Pending -> Failed",
        "Return: Releasing -> Completed",
        "Return: Releasing -> CompletedWithErrors",
        "Return: Releasing -> TimedOut",
    ];

    private static readonly HashSet<string> Impossible = ["Acquire: Releasing", "Return: Provisioning", "Return: Cancelled"];

    private static readonly HashSet<RequestStatus> Final =
        [RequestStatus.Completed, RequestStatus.CompletedWithErrors, RequestStatus.Failed, RequestStatus.Cancelled, RequestStatus.TimedOut];

    public static TheoryData<RequestKind, RequestStatus, RequestStatus> AllPairs
    {
        get
        {
            var data = new TheoryData<RequestKind, RequestStatus, RequestStatus>();
            foreach (var kind in Enum.GetValues<RequestKind>())
            {
                foreach (var from in Enum.GetValues<RequestStatus>())
                {
                    foreach (var to in Enum.GetValues<RequestStatus>())
                    {
                        data.Add(kind, from, to);
                    }
                }
            }

            return data;
        }
    }

    public static TheoryData<RequestStatus> AllStatuses => [.. Enum.GetValues<RequestStatus>()];

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void IsAllowed_ForEveryPair_MatchesTheTable(RequestKind kind, RequestStatus from, RequestStatus to)
    {
        RequestTransitions.IsAllowed(kind, from, to).Should().Be(Legal.Contains($"{kind}: {from} -> {to}"));
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void IntentMethod_ForEveryPair_MovesWhenLegalAndThrowsOtherwise(RequestKind kind, RequestStatus from, RequestStatus to)
    {
        var clock = TestData.Clock();
        var snapshot = TestData.RequestSnapshotIn(kind, from, clock.GetUtcNow());
        if (Impossible.Contains($"{kind}: {from}"))
        {
            FluentActions.Invoking(() => Request.FromSnapshot(snapshot)).Should().Throw<DomainRuleViolationException>();
            return;
        }

        var request = Request.FromSnapshot(snapshot);
        if (to == RequestStatus.Pending)
        {
            // No intent method leads back to Pending; the domain's table must agree.
            RequestTransitions.IsAllowed(kind, from, to).Should().BeFalse();
            Legal.Should().NotContain($"{kind}: {from} -> {to}");
            return;
        }

        // Past the deadline, so TimeOut is refused only by the table.
        clock.Advance(TimeSpan.FromHours(1));
        Action move = to switch
        {
            RequestStatus.Provisioning => () => request.BeginProvisioning(clock),
            RequestStatus.Releasing => () => request.BeginReleasing(clock),
            RequestStatus.Completed => () => request.Complete(clock),
            RequestStatus.CompletedWithErrors => () => request.CompleteWithErrors("1 of 2 machines failed", clock),
            RequestStatus.Failed => () => request.Fail("provider refused", clock),
            RequestStatus.Cancelled => () => request.Cancel("operator cancelled", clock),
            RequestStatus.TimedOut => () => request.TimeOut(clock),
            _ => throw new ArgumentOutOfRangeException(nameof(to)),
        };

        if (Legal.Contains($"{kind}: {from} -> {to}"))
        {
            move();
            request.Status.Should().Be(to);
            request.UpdatedAt.Should().Be(clock.GetUtcNow());
            request.DomainEvents.OfType<RequestStatusChanged>().Should().ContainSingle()
                .Which.Should().Match<RequestStatusChanged>(e => e.From == from && e.To == to && e.RequestId == request.Id);
            request.DomainEvents.OfType<RequestCompleted>().Should().HaveCount(Final.Contains(to) ? 1 : 0);
            request.CompletedAt.Should().Be(Final.Contains(to) ? clock.GetUtcNow() : null);
        }
        else
        {
            var thrown = move.Should().Throw<InvalidStateTransitionException>().Which;
            thrown.Message.Should().Be($"Request '{request.Id}' cannot move from '{RequestStatusWords.ToWord(from)}' to '{RequestStatusWords.ToWord(to)}'.");
            thrown.Entity.Should().Be("Request");
            thrown.Id.Should().Be(request.Id.Value);
            thrown.Current.Should().Be(RequestStatusWords.ToWord(from));
            thrown.Attempted.Should().Be(RequestStatusWords.ToWord(to));
            request.Status.Should().Be(from);
            request.DomainEvents.Should().BeEmpty();
        }
    }

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void IsFinished_ForEveryStatus_IsTrueOnlyForFinalOnes(RequestStatus status)
    {
        status.IsFinished.Should().Be(Final.Contains(status));
    }

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void IsReachable_ForEveryStatusAndKind_MatchesTheTable(RequestStatus status)
    {
        foreach (var kind in Enum.GetValues<RequestKind>())
        {
            RequestTransitions.IsReachable(kind, status).Should().Be(!Impossible.Contains($"{kind}: {status}"), $"{kind} {status}");
        }
    }
}
