using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Tests.Common;

public sealed class AggregateRootTests
{
    private readonly FakeTimeProvider _clock = TestData.Clock();

    [Fact]
    public void DequeueEvents_WhenEventsPending_ReturnsThemOldestFirstAndClears()
    {
        var template = TestData.NewTemplate(_clock);
        template.Disable(_clock);

        var events = template.DequeueEvents();

        events.Should().HaveCount(2);
        events[0].Should().BeOfType<TemplateCreated>();
        events[1].Should().BeOfType<TemplateUpdated>();
        template.DomainEvents.Should().BeEmpty();
        template.DequeueEvents().Should().BeEmpty();
    }

    [Fact]
    public void DequeueEvents_WhenMoreEventsRaisedLater_DoesNotChangeTheReturnedList()
    {
        var template = TestData.NewTemplate(_clock);
        var first = template.DequeueEvents();

        template.Disable(_clock);

        first.Should().ContainSingle().Which.Should().BeOfType<TemplateCreated>();
    }

    [Fact]
    public void Version_WhenNeverSaved_IsZero()
    {
        TestData.NewTemplate(_clock).Version.Should().Be(0);
    }

    [Fact]
    public void MarkPersisted_WhenNewVersionIsGreater_StoresItAndKeepsEvents()
    {
        var template = TestData.NewTemplate(_clock);

        template.MarkPersisted(1);
        template.MarkPersisted(5);

        template.Version.Should().Be(5);
        template.DomainEvents.Should().ContainSingle();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void MarkPersisted_WhenNeverSavedAndVersionNotPositive_Throws(long newVersion)
    {
        var template = TestData.NewTemplate(_clock);

        template.Invoking(t => t.MarkPersisted(newVersion)).Should().Throw<ArgumentOutOfRangeException>();
        template.Version.Should().Be(0);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public void MarkPersisted_WhenNewVersionNotGreaterThanCurrent_ThrowsAndKeepsVersion(long newVersion)
    {
        var template = TestData.NewTemplate(_clock);
        template.MarkPersisted(3);

        template.Invoking(t => t.MarkPersisted(newVersion)).Should().Throw<ArgumentOutOfRangeException>();
        template.Version.Should().Be(3);
    }
}
