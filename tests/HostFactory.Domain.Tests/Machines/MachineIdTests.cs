using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;

namespace HostFactory.Domain.Tests.Machines;

public sealed class MachineIdTests
{
    private const string Uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";

    public static TheoryData<string?> InvalidIds =>
        [null, "", "m-", Uuid, "m-xyz", "M-" + Uuid, "m-" + Uuid.ToUpperInvariant(), "m-(" + Uuid + ")", "req-" + Uuid, "m-" + Uuid + " "];

    [Fact]
    public void New_WhenCalled_IsMPrefixedLowercaseUuid()
    {
        var id = MachineId.New();

        id.Value.Should().MatchRegex("^m-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
        id.Should().NotBe(MachineId.New());
        MachineId.Parse(id.ToString()).Should().Be(id);
    }

    [Fact]
    public void Parse_WhenValid_KeepsTheText()
    {
        MachineId.Parse("m-" + Uuid).Value.Should().Be("m-" + Uuid);
    }

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public void Parse_WhenInvalid_ThrowsNamingKindValueAndRule(string? value)
    {
        var thrown = FluentActions.Invoking(() => MachineId.Parse(value)).Should().Throw<InvalidIdentifierException>().Which;

        thrown.IdKind.Should().Be("machine id");
        thrown.Value.Should().Be(value);
        thrown.Message.Should().Contain("'m-' followed by a lowercase UUID");
        MachineId.TryParse(value, out var id).Should().BeFalse();
        id.Should().Be(default(MachineId));
    }
}
