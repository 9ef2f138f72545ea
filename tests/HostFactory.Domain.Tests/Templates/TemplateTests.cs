using HostFactory.Domain.Common;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Tests.Templates;

public sealed class TemplateTests
{
    private readonly FakeTimeProvider _clock = TestData.Clock();

    [Fact]
    public void Create_WhenValid_IsEnabledWithDefaultTimeoutAndRaisesTemplateCreated()
    {
        var template = Template.Create(TestData.TemplateId, "local", 10, TestData.Attributes(), ProviderSettings.Empty, null, _clock);

        template.Id.Should().Be(TestData.TemplateId);
        template.ProviderName.Should().Be("local");
        template.MaxNumber.Should().Be(10);
        template.Attributes.Should().Be(TestData.Attributes());
        template.ProviderSettings.Should().Be(ProviderSettings.Empty);
        template.Enabled.Should().BeTrue();
        template.RequestTimeout.Should().Be(TimeSpan.FromMinutes(30));
        template.CreatedAt.Should().Be(TestData.Start);
        template.UpdatedAt.Should().Be(TestData.Start);
        template.Version.Should().Be(0);
        template.DomainEvents.Should().Equal(new TemplateCreated(TestData.TemplateId, "local", 10, TestData.Start));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10000)]
    public void Create_WhenMaxNumberInRange_Accepts(int maxNumber)
    {
        TestData.NewTemplate(_clock, maxNumber).MaxNumber.Should().Be(maxNumber);
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(10001)]
    [InlineData(int.MinValue)]
    public void Create_WhenMaxNumberOutOfRange_ThrowsNamingTheValue(int maxNumber)
    {
        FluentActions.Invoking(() => TestData.NewTemplate(_clock, maxNumber))
            .Should().Throw<DomainRuleViolationException>()
            .WithMessage($"maxNumber must be -1 (unlimited) or between 0 and 10000, was {maxNumber}.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("my provider")]
    [InlineData("aws.prod")]
    public void Create_WhenProviderNameInvalid_Throws(string providerName)
    {
        FluentActions.Invoking(() => Template.Create(TestData.TemplateId, providerName, 1, TestData.Attributes(), ProviderSettings.Empty, null, _clock))
            .Should().Throw<InvalidIdentifierException>().Which.IdKind.Should().Be("provider name");
    }

    [Fact]
    public void Create_WhenProviderName64Chars_Accepts()
    {
        var name = new string('p', 64);

        Template.Create(TestData.TemplateId, name, 1, TestData.Attributes(), ProviderSettings.Empty, null, _clock)
            .ProviderName.Should().Be(name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Create_WhenTimeoutNotPositive_Throws(int seconds)
    {
        FluentActions.Invoking(() => Template.Create(TestData.TemplateId, "local", 1, TestData.Attributes(), ProviderSettings.Empty, TimeSpan.FromSeconds(seconds), _clock))
            .Should().Throw<DomainRuleViolationException>().WithMessage("*timeout must be positive*");
    }

    [Fact]
    public void Create_WhenIdDefault_Throws()
    {
        FluentActions.Invoking(() => Template.Create(default, "local", 1, TestData.Attributes(), ProviderSettings.Empty, null, _clock))
            .Should().Throw<DomainRuleViolationException>();
    }

    [Fact]
    public void Update_WhenValid_ReplacesDefinitionAndRaisesTemplateUpdated()
    {
        var template = TestData.NewTemplate(_clock);
        template.DequeueEvents();
        _clock.Advance(TimeSpan.FromMinutes(5));
        var attributes = new TemplateAttributes("ARM64", 2048);
        var settings = new ProviderSettings(new Dictionary<string, string?> { ["imageId"] = "\"ami-2\"" });

        template.Update("aws", -1, attributes, settings, TimeSpan.FromMinutes(10), _clock);

        template.ProviderName.Should().Be("aws");
        template.MaxNumber.Should().Be(-1);
        template.Attributes.Should().Be(attributes);
        template.ProviderSettings.Should().Be(settings);
        template.RequestTimeout.Should().Be(TimeSpan.FromMinutes(10));
        template.CreatedAt.Should().Be(TestData.Start);
        template.UpdatedAt.Should().Be(_clock.GetUtcNow());
        template.DomainEvents.Should().Equal(new TemplateUpdated(TestData.TemplateId, "aws", -1, true, _clock.GetUtcNow()));
    }

    [Fact]
    public void Update_WhenMaxNumberInvalid_ChangesNothing()
    {
        var template = TestData.NewTemplate(_clock);
        template.DequeueEvents();
        var before = template.ToSnapshot();

        template.Invoking(t => t.Update("aws", 20000, new TemplateAttributes("ARM64", 2048), ProviderSettings.Empty, null, _clock))
            .Should().Throw<DomainRuleViolationException>();

        template.ToSnapshot().Should().Be(before);
        template.DomainEvents.Should().BeEmpty();
    }

    [Fact]
    public void DisableThenEnable_WhenStateChanges_RaiseTemplateUpdatedEachTime()
    {
        var template = TestData.NewTemplate(_clock);
        template.DequeueEvents();

        template.Disable(_clock);
        template.Enabled.Should().BeFalse();
        template.Enable(_clock);

        template.Enabled.Should().BeTrue();
        template.DomainEvents.Should().Equal(
            new TemplateUpdated(TestData.TemplateId, "local", 10, false, TestData.Start),
            new TemplateUpdated(TestData.TemplateId, "local", 10, true, TestData.Start));
    }

    [Fact]
    public void Enable_WhenAlreadyEnabled_DoesNothing()
    {
        var template = TestData.NewTemplate(_clock);
        template.DequeueEvents();
        _clock.Advance(TimeSpan.FromMinutes(1));

        template.Enable(_clock);

        template.DomainEvents.Should().BeEmpty();
        template.UpdatedAt.Should().Be(TestData.Start);
    }

    [Fact]
    public void MarkDeleted_WhenCalled_RaisesTemplateDeleted()
    {
        var template = TestData.NewTemplate(_clock);
        template.DequeueEvents();

        template.MarkDeleted(_clock);

        template.DomainEvents.Should().Equal(new TemplateDeleted(TestData.TemplateId, TestData.Start));
    }

    [Theory]
    [InlineData(-1, 0, null)]
    [InlineData(-1, 500, null)]
    [InlineData(10, 0, 10)]
    [InlineData(10, 3, 7)]
    [InlineData(10, 10, 0)]
    [InlineData(10, 12, 0)]
    [InlineData(0, 0, 0)]
    public void AvailableCapacity_ForActiveMachines_IsWhatIsLeftOrNullWhenUnlimited(int maxNumber, int active, int? expected)
    {
        TestData.NewTemplate(_clock, maxNumber).AvailableCapacity(active).Should().Be(expected);
    }

    [Fact]
    public void AvailableCapacity_WhenActiveNegative_Throws()
    {
        TestData.NewTemplate(_clock).Invoking(t => t.AvailableCapacity(-1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void FromSnapshot_WhenRoundTripped_IsEqualAndRaisesNothing()
    {
        var template = Template.Create(
            TestData.TemplateId, "aws", 50,
            new TemplateAttributes("X86_64", 2048, 2, 4, 1, "0.2", [new("zone", AttributeKind.String, "a")]),
            new ProviderSettings(new Dictionary<string, string?> { ["imageId"] = "\"ami-1\"" }),
            TimeSpan.FromMinutes(12), _clock);
        _clock.Advance(TimeSpan.FromMinutes(1));
        template.Disable(_clock);
        template.MarkPersisted(4);
        var snapshot = template.ToSnapshot();

        var restored = Template.FromSnapshot(snapshot);

        restored.ToSnapshot().Should().Be(snapshot);
        restored.Version.Should().Be(4);
        restored.Enabled.Should().BeFalse();
        restored.DomainEvents.Should().BeEmpty();
    }

    public static TheoryData<string, Func<TemplateSnapshot, TemplateSnapshot>> BrokenSnapshots => new()
    {
        { "maxNumber", s => s with { MaxNumber = 10001 } },
        { "timeout", s => s with { RequestTimeout = TimeSpan.Zero } },
        { "version", s => s with { Version = -1 } },
        { "updated before created", s => s with { UpdatedAt = s.CreatedAt.AddSeconds(-1) } },
        { "default id", s => s with { Id = default } },
        { "null attributes", s => s with { Attributes = null! } },
    };

    [Theory]
    [MemberData(nameof(BrokenSnapshots))]
    public void FromSnapshot_WhenRuleBroken_Throws(string because, Func<TemplateSnapshot, TemplateSnapshot> breakIt)
    {
        var snapshot = breakIt(TestData.NewTemplate(_clock).ToSnapshot());

        FluentActions.Invoking(() => Template.FromSnapshot(snapshot)).Should().Throw<DomainRuleViolationException>(because);
    }
}
