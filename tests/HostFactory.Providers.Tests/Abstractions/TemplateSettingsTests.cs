using HostFactory.Providers.Abstractions;

namespace HostFactory.Providers.Tests.Abstractions;

public sealed class TemplateSettingsTests
{
    private static TemplateSettings Of(params (string Key, string? Raw)[] values) =>
        TemplateSettings.Of(TestTemplates.Snapshot("p", values.ToDictionary(v => v.Key, v => v.Raw)));

    [Fact]
    public void Getters_WhenValuesHaveTheRightKind_ReturnThem()
    {
        var settings = Of(("s", "\"text\""), ("n", "42"), ("b", "true"), ("a", """["x","y"]"""), ("m", """{"k":"v"}"""));

        settings.GetString("s").Should().Be("text");
        settings.GetInt32("n").Should().Be(42);
        settings.GetBoolean("b").Should().BeTrue();
        settings.GetStringArray("a").Should().Equal("x", "y");
        settings.GetStringMap("m").Should().BeEquivalentTo(new Dictionary<string, string> { ["k"] = "v" });
    }

    [Fact]
    public void Getters_WhenAbsentOrNull_ReturnNull()
    {
        var settings = Of(("nothing", null), ("jsonNull", "null"));

        settings.GetString("absent").Should().BeNull();
        settings.GetStringArray("nothing").Should().BeNull();
        settings.GetInt32("jsonNull").Should().BeNull();
    }

    [Fact]
    public void GetStringArray_WhenAnItemIsNotAString_ThrowsNamingTemplateAndKey()
    {
        var act = () => Of(("command", """["/bin/sh", 3]""")).GetStringArray("command");

        act.Should().Throw<ProviderSettingException>()
            .WithMessage("""Template 't1' setting 'command' must be a JSON array of strings, found ["/bin/sh", 3].""")
            .Which.Key.Should().Be("command");
    }

    [Fact]
    public void GetRequiredString_WhenMissing_ThrowsSayingItIsRequired()
    {
        var act = () => Of().GetRequiredString("imageId");

        act.Should().Throw<ProviderSettingException>().WithMessage("Template 't1' setting 'imageId' is required and must be a non-empty JSON string.");
    }
}
