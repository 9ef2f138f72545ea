using HostFactory.Domain.Common;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Tests.Templates;

public sealed class TemplateIdTests
{
    public static TheoryData<string> ValidIds => ["a", "OnDemand-Minimal-Template-VM", "x_1-Y", "0123456789", new string('z', 64)];

    public static TheoryData<string?> InvalidIds => [null, "", new string('z', 65), "a b", "a.b", "a/b", "é", "tab\t", "a:b"];

    [Theory]
    [MemberData(nameof(ValidIds))]
    public void Constructor_WhenValid_KeepsTheText(string value)
    {
        var id = new TemplateId(value);

        id.Value.Should().Be(value);
        id.ToString().Should().Be(value);
        id.Should().Be(new TemplateId(value));
        TemplateId.TryCreate(value, out var created, out var error).Should().BeTrue();
        created.Should().Be(id);
        error.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public void Constructor_WhenInvalid_ThrowsNamingKindValueAndRule(string? value)
    {
        var thrown = FluentActions.Invoking(() => new TemplateId(value!)).Should().Throw<InvalidIdentifierException>().Which;

        thrown.IdKind.Should().Be("template id");
        thrown.Value.Should().Be(value);
        thrown.Message.Should().Contain("template id").And.Contain("1 to 64 characters of 0-9 A-Z a-z - _");
        if (value is not null)
        {
            thrown.Message.Should().Contain($"'{value}'");
        }
    }

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public void TryCreate_WhenInvalid_ReturnsFalseWithError(string? value)
    {
        TemplateId.TryCreate(value, out var id, out var error).Should().BeFalse();

        id.Should().Be(default(TemplateId));
        error.Should().Contain("not a valid template id");
    }

    [Fact]
    public void Equality_WhenCaseDiffers_IsNotEqual()
    {
        new TemplateId("abc").Should().NotBe(new TemplateId("ABC"));
    }
}
