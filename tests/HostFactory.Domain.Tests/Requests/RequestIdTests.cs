using HostFactory.Domain.Common;
using HostFactory.Domain.Requests;

namespace HostFactory.Domain.Tests.Requests;

public sealed class RequestIdTests
{
    private const string Uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";

    public static TheoryData<string?> InvalidIds =>
    [
        null,
        "",
        "req-",
        Uuid,
        "req-not-a-uuid",
        "REQ-" + Uuid,
        "req-" + Uuid.ToUpperInvariant(),
        "req-{" + Uuid + "}",
        "req-" + Uuid.Replace("-", "", StringComparison.Ordinal),
        "req-" + Uuid + "x",
        " req-" + Uuid,
        "m-" + Uuid,
        "rex-" + Uuid,
    ];

    [Fact]
    public void NewAcquire_WhenCalled_IsReqPrefixedLowercaseUuidOfKindAcquire()
    {
        var id = RequestId.NewAcquire();

        id.Kind.Should().Be(RequestKind.Acquire);
        id.Value.Should().MatchRegex("^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
        id.ToString().Should().Be(id.Value);
        id.Should().NotBe(RequestId.NewAcquire());
    }

    [Fact]
    public void NewReturn_WhenCalled_IsRetPrefixedOfKindReturn()
    {
        var id = RequestId.NewReturn();

        id.Kind.Should().Be(RequestKind.Return);
        id.Value.Should().MatchRegex("^ret-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    }

    [Theory]
    [InlineData("req-" + Uuid, RequestKind.Acquire)]
    [InlineData("ret-" + Uuid, RequestKind.Return)]
    public void Parse_WhenValid_ReadsKindFromPrefix(string value, RequestKind kind)
    {
        var id = RequestId.Parse(value);

        id.Value.Should().Be(value);
        id.Kind.Should().Be(kind);
        RequestId.TryParse(value, out var parsed).Should().BeTrue();
        parsed.Should().Be(id);
    }

    [Fact]
    public void Parse_WhenRoundTripped_IsEqual()
    {
        var id = RequestId.NewReturn();

        RequestId.Parse(id.ToString()).Should().Be(id);
    }

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public void Parse_WhenInvalid_ThrowsNamingKindAndValue(string? value)
    {
        var thrown = FluentActions.Invoking(() => RequestId.Parse(value)).Should().Throw<InvalidIdentifierException>().Which;

        thrown.IdKind.Should().Be("request id");
        thrown.Value.Should().Be(value);
        thrown.Message.Should().Contain("'req-'").And.Contain("'ret-'").And.Contain("lowercase UUID");
    }

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public void TryParse_WhenInvalid_ReturnsFalse(string? value)
    {
        RequestId.TryParse(value, out var id).Should().BeFalse();
        id.Should().Be(default(RequestId));
    }
}
