using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;

namespace HostFactory.Domain.Tests.Requests;

/// <summary>The whole protocol mapping, against tables written here.</summary>
public sealed class HostFactoryWordsTests
{
    private static readonly Dictionary<RequestStatus, string> RequestStatusTable = new()
    {
        [RequestStatus.Pending] = "running",
        [RequestStatus.Provisioning] = "running",
        [RequestStatus.Releasing] = "running",
        [RequestStatus.Completed] = "complete",
        [RequestStatus.CompletedWithErrors] = "complete_with_error",
        [RequestStatus.Failed] = "complete_with_error",
        [RequestStatus.Cancelled] = "complete_with_error",
        [RequestStatus.TimedOut] = "complete_with_error",
    };

    // (kind, status) -> (result when no return started, result when a return started)
    private static readonly Dictionary<(RequestKind, MachineStatus), (string NotReturned, string Returned)> MachineResultTable = new()
    {
        [(RequestKind.Acquire, MachineStatus.Pending)] = ("executing", "executing"),
        [(RequestKind.Acquire, MachineStatus.Running)] = ("succeed", "succeed"),
        [(RequestKind.Acquire, MachineStatus.Stopping)] = ("fail", "succeed"),
        [(RequestKind.Acquire, MachineStatus.Stopped)] = ("fail", "succeed"),
        [(RequestKind.Acquire, MachineStatus.ShuttingDown)] = ("fail", "succeed"),
        [(RequestKind.Acquire, MachineStatus.Terminated)] = ("fail", "succeed"),
        [(RequestKind.Acquire, MachineStatus.Failed)] = ("fail", "fail"),
        [(RequestKind.Acquire, MachineStatus.Unknown)] = ("executing", "executing"),
        [(RequestKind.Return, MachineStatus.Pending)] = ("executing", "executing"),
        [(RequestKind.Return, MachineStatus.Running)] = ("executing", "executing"),
        [(RequestKind.Return, MachineStatus.Stopping)] = ("executing", "executing"),
        [(RequestKind.Return, MachineStatus.Stopped)] = ("executing", "executing"),
        [(RequestKind.Return, MachineStatus.ShuttingDown)] = ("executing", "executing"),
        [(RequestKind.Return, MachineStatus.Terminated)] = ("succeed", "succeed"),
        [(RequestKind.Return, MachineStatus.Failed)] = ("fail", "fail"),
        [(RequestKind.Return, MachineStatus.Unknown)] = ("executing", "executing"),
    };

    private static readonly Dictionary<MachineStatus, string?> MachineStatusTable = new()
    {
        [MachineStatus.Pending] = "pending",
        [MachineStatus.Running] = "running",
        [MachineStatus.Stopping] = "stopping",
        [MachineStatus.Stopped] = "stopped",
        [MachineStatus.ShuttingDown] = "shutting-down",
        [MachineStatus.Terminated] = "terminated",
        [MachineStatus.Failed] = null,
        [MachineStatus.Unknown] = null,
    };

    public static TheoryData<RequestStatus> AllRequestStatuses => [.. Enum.GetValues<RequestStatus>()];

    public static TheoryData<MachineStatus> AllMachineStatuses => [.. Enum.GetValues<MachineStatus>()];

    public static TheoryData<RequestKind, MachineStatus, bool> AllMachineCombinations
    {
        get
        {
            var data = new TheoryData<RequestKind, MachineStatus, bool>();
            foreach (var kind in Enum.GetValues<RequestKind>())
            {
                foreach (var status in Enum.GetValues<MachineStatus>())
                {
                    data.Add(kind, status, false);
                    data.Add(kind, status, true);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(AllRequestStatuses))]
    public void RequestStatus_ForEveryStatus_IsTheProtocolWord(RequestStatus status)
    {
        HostFactoryWords.RequestStatus(status).Should().Be(RequestStatusTable[status]);
    }

    [Theory]
    [MemberData(nameof(AllMachineCombinations))]
    public void MachineResult_ForEveryCombination_IsTheProtocolWord(RequestKind kind, MachineStatus status, bool returnStarted)
    {
        var (notReturned, returned) = MachineResultTable[(kind, status)];

        HostFactoryWords.MachineResult(kind, status, returnStarted).Should().Be(returnStarted ? returned : notReturned);
    }

    [Theory]
    [MemberData(nameof(AllMachineStatuses))]
    public void MachineStatusWord_ForEveryStatus_IsAProtocolWordOrNull(MachineStatus status)
    {
        HostFactoryWords.MachineStatusWord(status).Should().Be(MachineStatusTable[status]);
    }

    [Fact]
    public void Words_WhenPrinted_AreOnlyTheProtocolsOwn()
    {
        var requestWords = Enum.GetValues<RequestStatus>().Select(HostFactoryWords.RequestStatus).Distinct();
        var results = AllMachineCombinations.Select(row => HostFactoryWords.MachineResult((RequestKind)row[0], (MachineStatus)row[1], (bool)row[2])).Distinct();
        var statuses = Enum.GetValues<MachineStatus>().Select(HostFactoryWords.MachineStatusWord).OfType<string>();

        requestWords.Should().BeSubsetOf([HostFactoryWords.Running, HostFactoryWords.Complete, HostFactoryWords.CompleteWithError]);
        results.Should().BeSubsetOf([HostFactoryWords.Executing, HostFactoryWords.Succeed, HostFactoryWords.Fail]);
        statuses.Should().BeSubsetOf(["pending", "running", "stopping", "stopped", "shutting-down", "terminated"]);
        (HostFactoryWords.Running, HostFactoryWords.Complete, HostFactoryWords.CompleteWithError)
            .Should().Be(("running", "complete", "complete_with_error"));
        (HostFactoryWords.Executing, HostFactoryWords.Succeed, HostFactoryWords.Fail)
            .Should().Be(("executing", "succeed", "fail"));
    }

    [Fact]
    public void Mapping_WhenValueUndefined_Throws()
    {
        FluentActions.Invoking(() => HostFactoryWords.RequestStatus((RequestStatus)99)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => HostFactoryWords.MachineStatusWord((MachineStatus)99)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => HostFactoryWords.MachineResult(RequestKind.Acquire, (MachineStatus)99, false)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => HostFactoryWords.MachineResult((RequestKind)9, MachineStatus.Running, false)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
