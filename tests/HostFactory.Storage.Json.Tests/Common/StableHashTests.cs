using HostFactory.Common;

namespace HostFactory.Storage.Json.Tests.Common;

/// <summary>
/// The shared stable hash (src/Common/StableHash.cs, seen here through the JSON store's copy). Its values are pinned:
/// processes of two versions that hashed differently would take different locks for the same thing.
/// </summary>
public sealed class StableHashTests
{
    [Theory]
    [InlineData("", 0x811c9dc5u)]
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    public void Of_WhenGivenTheFnv1aTestVectors_GivesTheirValues(string text, uint expected) =>
        StableHash.Of(text).Should().Be(expected);

    [Fact]
    public void Of_WhenTheTextIsNotAscii_HashesUtf16CodeUnitsNotUtf8Bytes() =>
        StableHash.Of("€").Should().Be(0xa93e2c4bu, "U+20AC is one code unit, 0x20AC, where UTF-8 has three bytes");

    [Fact]
    public void Add_WhenTextIsAddedInParts_GivesTheHashOfTheWhole()
    {
        var hash = new StableHash();
        hash.Add("request");
        hash.Add(':');
        hash.Add("req-1");

        hash.Value.Should().Be(StableHash.Of("request:req-1"));
    }

    [Fact]
    public void StripeOf_WhenGivenAKindAndId_IsTheStableHashOfKindColonIdModuloTheStripes() =>
        StripeLocks.StripeOf("request", "req-1").Should().Be(34);
}
