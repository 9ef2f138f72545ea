using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;

namespace HostFactory.Domain.Tests.Machines;

/// <summary>Every (from, to) against a table written here, independently of the domain's.</summary>
public sealed class MachineTransitionTests
{
    private static readonly Dictionary<MachineStatus, MachineStatus[]> Legal = new()
    {
        [MachineStatus.Pending] = [MachineStatus.Running, MachineStatus.Stopping, MachineStatus.ShuttingDown, MachineStatus.Terminated, MachineStatus.Failed, MachineStatus.Unknown],
        [MachineStatus.Running] = [MachineStatus.Stopping, MachineStatus.Stopped, MachineStatus.ShuttingDown, MachineStatus.Terminated, MachineStatus.Failed, MachineStatus.Unknown],
        [MachineStatus.Stopping] = [MachineStatus.Stopped, MachineStatus.ShuttingDown, MachineStatus.Terminated, MachineStatus.Unknown],
        [MachineStatus.Stopped] = [MachineStatus.Running, MachineStatus.ShuttingDown, MachineStatus.Terminated, MachineStatus.Unknown],
        [MachineStatus.ShuttingDown] = [MachineStatus.Terminated, MachineStatus.Unknown],
        [MachineStatus.Terminated] = [],
        [MachineStatus.Failed] = [MachineStatus.ShuttingDown, MachineStatus.Terminated],
        [MachineStatus.Unknown] = [MachineStatus.Pending, MachineStatus.Running, MachineStatus.Stopping, MachineStatus.Stopped, MachineStatus.ShuttingDown, MachineStatus.Terminated, MachineStatus.Failed],
    };

    public static TheoryData<MachineStatus, MachineStatus> AllPairs
    {
        get
        {
            var data = new TheoryData<MachineStatus, MachineStatus>();
            foreach (var from in Enum.GetValues<MachineStatus>())
            {
                foreach (var to in Enum.GetValues<MachineStatus>())
                {
                    data.Add(from, to);
                }
            }

            return data;
        }
    }

    public static TheoryData<MachineStatus> AllStatuses => [.. Enum.GetValues<MachineStatus>()];

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void IsAllowed_ForEveryPair_MatchesTheTable(MachineStatus from, MachineStatus to)
    {
        MachineTransitions.IsAllowed(from, to).Should().Be(Legal[from].Contains(to));
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void ApplyProviderStatus_ForEveryPair_MovesWhenLegalNoOpWhenSameThrowsOtherwise(MachineStatus from, MachineStatus to)
    {
        var clock = TestData.Clock();
        var machine = TestData.MachineIn(from, clock);
        clock.Advance(TimeSpan.FromSeconds(10));
        Action apply = () => machine.ApplyProviderStatus(to, "observed", clock);

        if (from == to)
        {
            apply();
            machine.Status.Should().Be(from);
            machine.UpdatedAt.Should().Be(TestData.Start);
            machine.DomainEvents.Should().BeEmpty();
        }
        else if (Legal[from].Contains(to))
        {
            apply();
            machine.Status.Should().Be(to);
            machine.Message.Should().Be("observed");
            machine.DomainEvents.Should().Equal(new MachineStatusChanged(machine.Id, from, to, "observed", clock.GetUtcNow()));
        }
        else
        {
            var thrown = apply.Should().Throw<InvalidStateTransitionException>().Which;
            thrown.Message.Should().Be($"Machine '{machine.Id}' cannot move from '{MachineStatusWords.ToWord(from)}' to '{MachineStatusWords.ToWord(to)}'.");
            thrown.Entity.Should().Be("Machine");
            thrown.Id.Should().Be(machine.Id.Value);
            machine.Status.Should().Be(from);
            machine.DomainEvents.Should().BeEmpty();
        }
    }

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void IsActive_ForEveryStatus_IsFalseOnlyWhenTerminatedOrFailed(MachineStatus status)
    {
        var expected = status is not (MachineStatus.Terminated or MachineStatus.Failed);

        status.IsActive.Should().Be(expected);
        TestData.MachineIn(status, TestData.Clock()).IsActive.Should().Be(expected);
    }
}
