using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Tests.Templates;

public sealed class ProviderSettingsTests
{
    [Fact]
    public void TryGetRaw_WhenKeyPresent_ReturnsTheRawJson()
    {
        var settings = new ProviderSettings(new Dictionary<string, string?>
        {
            ["imageId"] = "\"ami-1\"",
            ["command"] = "[\"/bin/sleep\",\"600\"]",
        });

        settings.TryGetRaw("command", out var raw).Should().BeTrue();
        raw.Should().Be("[\"/bin/sleep\",\"600\"]");
        settings.TryGetRaw("ImageId", out _).Should().BeFalse("keys are compared ordinally");
    }

    [Fact]
    public void Constructor_WhenSourceChangesAfterwards_KeepsItsCopy()
    {
        var source = new Dictionary<string, string?> { ["imageId"] = "\"ami-1\"" };
        var settings = new ProviderSettings(source);

        source["imageId"] = "\"ami-2\"";

        settings.TryGetRaw("imageId", out var raw).Should().BeTrue();
        raw.Should().Be("\"ami-1\"");
    }

    [Fact]
    public void Equals_WhenSameContentInOtherOrder_IsEqualWithSameHash()
    {
        var a = new ProviderSettings(new Dictionary<string, string?> { ["a"] = "1", ["b"] = null });
        var b = new ProviderSettings(new Dictionary<string, string?> { ["b"] = null, ["a"] = "1" });

        a.Should().Be(b);
        a.GetHashCode().Should().Be(b.GetHashCode());
    }

    [Fact]
    public void Equals_WhenAValueDiffers_IsNotEqual()
    {
        var a = new ProviderSettings(new Dictionary<string, string?> { ["a"] = "1" });

        a.Should().NotBe(new ProviderSettings(new Dictionary<string, string?> { ["a"] = "2" }));
        a.Should().NotBe(new ProviderSettings(new Dictionary<string, string?> { ["a"] = null }));
        a.Should().NotBe(ProviderSettings.Empty);
    }

    [Fact]
    public void Empty_WhenComparedWithNewEmpty_IsEqual()
    {
        ProviderSettings.Empty.Should().Be(new ProviderSettings(new Dictionary<string, string?>()));
        ProviderSettings.Empty.Values.Should().BeEmpty();
    }

    [Fact]
    public void Constructor_WhenKeyEmpty_Throws()
    {
        FluentActions.Invoking(() => new ProviderSettings(new Dictionary<string, string?> { [""] = "1" }))
            .Should().Throw<ArgumentException>();
    }
}
