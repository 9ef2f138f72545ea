using HostFactory.Domain.Machines;

namespace HostFactory.Domain.Tests.Machines;

public sealed class HostNamesTests
{
    [Theory]
    [InlineData("host-a.example", "host-a.example")]
    [InlineData("Host-A.Example", "host-a.example")]
    [InlineData("HOST-A.EXAMPLE", "host-a.Example")]
    [InlineData("été.example", "ÉTÉ.EXAMPLE")]
    public void Match_WhenTheNamesDifferOnlyInCase_IsTrue(string recorded, string asked) =>
        HostNames.Match(recorded, asked).Should().BeTrue();

    [Theory]
    [InlineData("host-a.example", "host-b.example")]
    [InlineData("host-a.example", "host-a.example.")]
    [InlineData("host-a.example", " host-a.example")]
    public void Match_WhenTheNamesDiffer_IsFalse(string recorded, string asked) =>
        HostNames.Match(recorded, asked).Should().BeFalse();

    [Theory]
    [InlineData("", "")]
    [InlineData(" ", " ")]
    [InlineData("\t", "\t")]
    [InlineData(null, null)]
    [InlineData("", "host-a.example")]
    [InlineData("host-a.example", "")]
    public void Match_WhenEitherNameIsBlank_IsFalse(string? recorded, string? asked) =>
        HostNames.Match(recorded, asked).Should().BeFalse();

    [Theory]
    [InlineData("Host-A.Example", "host-a.example")]
    [InlineData("host-a.example", "host-a.example")]
    [InlineData("été.EXAMPLE", "ÉtÉ.example")]
    public void Key_WhenTheNameIsNotBlank_IsOneSpellingForEveryCase(string hostName, string key)
    {
        HostNames.Key(hostName).Should().Be(key);
        HostNames.Key(hostName.ToUpperInvariant()).Should().Be(key);
        HostNames.Key(hostName.ToLowerInvariant()).Should().Be(key);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Key_WhenTheNameIsBlank_Throws(string blank) =>
        FluentActions.Invoking(() => HostNames.Key(blank)).Should().Throw<ArgumentException>().WithMessage("*never matches*");
}
