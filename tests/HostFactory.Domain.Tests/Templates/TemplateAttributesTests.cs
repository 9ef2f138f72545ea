using HostFactory.Domain.Common;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Tests.Templates;

public sealed class TemplateAttributesTests
{
    [Fact]
    public void ToHostFactoryAttributes_WhenOnlyMandatory_YieldsTypeAndNram()
    {
        var attributes = new TemplateAttributes("X86_64", 1024);

        attributes.ToHostFactoryAttributes().Should().Equal(
            new TemplateAttribute("type", AttributeKind.String, "X86_64"),
            new TemplateAttribute("nram", AttributeKind.Numeric, "1024"));
    }

    [Fact]
    public void ToHostFactoryAttributes_WhenEverythingSet_YieldsWellKnownInOrderThenExtras()
    {
        var attributes = new TemplateAttributes(
            "X86_64", 4096, nCpus: 2, nCores: 4, rank: 7, priceInfo: "0.10",
            extras: [new("zone", AttributeKind.String, "eu-west-1a"), new("ngpus", AttributeKind.Numeric, "1")]);

        attributes.ToHostFactoryAttributes().Should().Equal(
            new TemplateAttribute("type", AttributeKind.String, "X86_64"),
            new TemplateAttribute("ncpus", AttributeKind.Numeric, "2"),
            new TemplateAttribute("ncores", AttributeKind.Numeric, "4"),
            new TemplateAttribute("nram", AttributeKind.Numeric, "4096"),
            new TemplateAttribute("rank", AttributeKind.Numeric, "7"),
            new TemplateAttribute("priceInfo", AttributeKind.String, "0.10"),
            new TemplateAttribute("zone", AttributeKind.String, "eu-west-1a"),
            new TemplateAttribute("ngpus", AttributeKind.Numeric, "1"));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("-2")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("0")]
    public void TemplateAttribute_WhenNumericValueIsANumber_IsAccepted(string value)
    {
        new TemplateAttribute("ngpus", AttributeKind.Numeric, value).Value.Should().Be(value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1,5")]
    [InlineData(" 1")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("0x10")]
    public void TemplateAttribute_WhenNumericValueIsNotANumber_Throws(string value)
    {
        FluentActions.Invoking(() => new TemplateAttribute("ngpus", AttributeKind.Numeric, value))
            .Should().Throw<DomainRuleViolationException>()
            .WithMessage($"Template attribute 'ngpus' is Numeric but its value '{value}' is not a number.");
    }

    [Fact]
    public void TemplateAttribute_WhenStringValueIsNotANumber_IsAccepted()
    {
        new TemplateAttribute("zone", AttributeKind.String, "abc").Kind.Should().Be(AttributeKind.String);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void TemplateAttribute_WhenNameBlank_Throws(string name)
    {
        FluentActions.Invoking(() => new TemplateAttribute(name, AttributeKind.String, "x")).Should().Throw<DomainRuleViolationException>();
    }

    [Fact]
    public void TemplateAttribute_WhenKindUndefined_Throws()
    {
        FluentActions.Invoking(() => new TemplateAttribute("x", (AttributeKind)9, "1")).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Constructor_WhenTypeBlank_Throws()
    {
        FluentActions.Invoking(() => new TemplateAttributes(" ", 1024))
            .Should().Throw<DomainRuleViolationException>().WithMessage("*'type'*");
    }

    [Theory]
    [InlineData(0, null, null, "nram")]
    [InlineData(1024, 0, null, "ncpus")]
    [InlineData(1024, null, -1, "ncores")]
    public void Constructor_WhenCountNotPositive_ThrowsNamingIt(int nRam, int? nCpus, int? nCores, string name)
    {
        FluentActions.Invoking(() => new TemplateAttributes("X86_64", nRam, nCpus, nCores))
            .Should().Throw<DomainRuleViolationException>().WithMessage($"*'{name}'*");
    }

    [Theory]
    [InlineData("nram")]
    [InlineData("NRAM")]
    [InlineData("priceInfo")]
    public void Constructor_WhenExtraClashesWithWellKnown_Throws(string name)
    {
        FluentActions.Invoking(() => new TemplateAttributes("X86_64", 1024, extras: [new(name, AttributeKind.Numeric, "1")]))
            .Should().Throw<DomainRuleViolationException>().WithMessage("*clashes*");
    }

    [Fact]
    public void Constructor_WhenExtraRepeated_Throws()
    {
        FluentActions.Invoking(() => new TemplateAttributes("X86_64", 1024,
                extras: [new("zone", AttributeKind.String, "a"), new("zone", AttributeKind.String, "b")]))
            .Should().Throw<DomainRuleViolationException>().WithMessage("*'zone' is given more than once*");
    }

    [Fact]
    public void Equals_WhenSameContentInSeparateLists_IsEqual()
    {
        var a = new TemplateAttributes("X86_64", 1024, 1, extras: [new("zone", AttributeKind.String, "a")]);
        var b = new TemplateAttributes("X86_64", 1024, 1, extras: [new("zone", AttributeKind.String, "a")]);

        a.Should().Be(b);
        a.GetHashCode().Should().Be(b.GetHashCode());
    }

    [Fact]
    public void Equals_WhenExtrasDiffer_IsNotEqual()
    {
        var a = new TemplateAttributes("X86_64", 1024, extras: [new("zone", AttributeKind.String, "a")]);
        var b = new TemplateAttributes("X86_64", 1024, extras: [new("zone", AttributeKind.String, "b")]);

        a.Should().NotBe(b);
        a.Should().NotBe(new TemplateAttributes("X86_64", 1024));
    }
}
