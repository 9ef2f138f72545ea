using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;

namespace HostFactory.Domain.Tests.Common;

public sealed class FilterTests
{
    [Fact]
    public void RequestFilter_WhenPagingOmitted_StartsAtZeroWithHundred()
    {
        var filter = new RequestFilter(RequestKind.Acquire, null, null);

        filter.Offset.Should().Be(0);
        filter.Limit.Should().Be(100);
        filter.Kind.Should().Be(RequestKind.Acquire);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 1000)]
    public void Filters_WhenPagingInRange_KeepIt(int offset, int limit)
    {
        var requests = new RequestFilter(null, null, null, offset, limit);
        var machines = new MachineFilter(null, null, null, offset, limit);

        (requests.Offset, requests.Limit).Should().Be((offset, limit));
        (machines.Offset, machines.Limit).Should().Be((offset, limit));
    }

    [Theory]
    [InlineData(-1, 100, "Offset must be 0 or more, was -1.")]
    [InlineData(0, 0, "Limit must be between 1 and 1000, was 0.")]
    [InlineData(0, 1001, "Limit must be between 1 and 1000, was 1001.")]
    public void Filters_WhenPagingOutOfRange_Throw(int offset, int limit, string message)
    {
        FluentActions.Invoking(() => new RequestFilter(null, null, null, offset, limit))
            .Should().Throw<DomainRuleViolationException>().WithMessage(message);
        FluentActions.Invoking(() => new MachineFilter(null, MachineStatus.Running, null, offset, limit))
            .Should().Throw<DomainRuleViolationException>().WithMessage(message);
    }
}
