using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Tests.Common;

public sealed class StatusWordsTests
{
    private static readonly Dictionary<MachineStatus, string> MachineWords = new()
    {
        [MachineStatus.Pending] = "pending",
        [MachineStatus.Running] = "running",
        [MachineStatus.Stopping] = "stopping",
        [MachineStatus.Stopped] = "stopped",
        [MachineStatus.ShuttingDown] = "shutting-down",
        [MachineStatus.Terminated] = "terminated",
        [MachineStatus.Failed] = "failed",
        [MachineStatus.Unknown] = "unknown",
    };

    private static readonly Dictionary<RequestStatus, string> RequestWords = new()
    {
        [RequestStatus.Pending] = "pending",
        [RequestStatus.Provisioning] = "provisioning",
        [RequestStatus.Releasing] = "releasing",
        [RequestStatus.Completed] = "completed",
        [RequestStatus.CompletedWithErrors] = "completed_with_errors",
        [RequestStatus.Failed] = "failed",
        [RequestStatus.Cancelled] = "cancelled",
        [RequestStatus.TimedOut] = "timed_out",
    };

    public static TheoryData<MachineStatus> AllMachineStatuses => [.. Enum.GetValues<MachineStatus>()];

    public static TheoryData<RequestStatus> AllRequestStatuses => [.. Enum.GetValues<RequestStatus>()];

    [Theory]
    [MemberData(nameof(AllMachineStatuses))]
    public void MachineStatusWords_ForEveryStatus_WritesAndReadsTheExpectedWord(MachineStatus status)
    {
        var word = MachineStatusWords.ToWord(status);

        word.Should().Be(MachineWords[status]);
        MachineStatusWords.TryParse(word, out var parsed).Should().BeTrue();
        parsed.Should().Be(status);
    }

    [Theory]
    [MemberData(nameof(AllRequestStatuses))]
    public void RequestStatusWords_ForEveryStatus_WritesAndReadsTheExpectedWord(RequestStatus status)
    {
        var word = RequestStatusWords.ToWord(status);

        word.Should().Be(RequestWords[status]);
        RequestStatusWords.TryParse(word, out var parsed).Should().BeTrue();
        parsed.Should().Be(status);
    }

    [Theory]
    [InlineData(RequestKind.Acquire, "acquire")]
    [InlineData(RequestKind.Return, "return")]
    public void RequestKindWords_ForEveryKind_WritesAndReadsTheExpectedWord(RequestKind kind, string expected)
    {
        RequestKindWords.ToWord(kind).Should().Be(expected);
        RequestKindWords.TryParse(expected, out var parsed).Should().BeTrue();
        parsed.Should().Be(kind);
        Enum.GetValues<RequestKind>().Should().HaveCount(2, "every kind needs a row above");
    }

    [Theory]
    [InlineData(AttributeKind.String, "String")]
    [InlineData(AttributeKind.Numeric, "Numeric")]
    public void AttributeKindWords_ForEveryKind_WritesAndReadsTheExpectedWord(AttributeKind kind, string expected)
    {
        AttributeKindWords.ToWord(kind).Should().Be(expected);
        AttributeKindWords.TryParse(expected, out var parsed).Should().BeTrue();
        parsed.Should().Be(kind);
        Enum.GetValues<AttributeKind>().Should().HaveCount(2, "every kind needs a row above");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Pending")]
    [InlineData("shutting_down")]
    [InlineData("ShuttingDown")]
    [InlineData(" running")]
    public void MachineStatusWords_TryParse_WhenNotAWord_ReturnsFalse(string? word)
    {
        MachineStatusWords.TryParse(word, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Completed")]
    [InlineData("completed-with-errors")]
    [InlineData("complete")]
    [InlineData("running")]
    public void RequestStatusWords_TryParse_WhenNotAWord_ReturnsFalse(string? word)
    {
        RequestStatusWords.TryParse(word, out _).Should().BeFalse();
    }

    [Fact]
    public void ToWord_WhenValueUndefined_Throws()
    {
        FluentActions.Invoking(() => MachineStatusWords.ToWord((MachineStatus)99)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => RequestStatusWords.ToWord((RequestStatus)99)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
