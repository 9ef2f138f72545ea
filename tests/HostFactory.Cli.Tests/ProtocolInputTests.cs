using System.Text.Json;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Protocol;

namespace HostFactory.Cli.Tests;

/// <summary>Reading the input documents: both forms of <c>requests</c>, optional fields, unknown fields ignored.</summary>
public sealed class ProtocolInputTests
{
    [Fact]
    public void RequestIds_WhenRequestsIsAnArrayOrOneObject_ReadsBoth()
    {
        ProtocolInput.RequestIds(Parse("""{"requests": [{"requestId": "req-a"}, {"requestId": "ret-b", "extra": 1}]}""")).Should().Equal("req-a", "ret-b");
        ProtocolInput.RequestIds(Parse("""{"requests": {"requestId": "req-a"}}""")).Should().Equal("req-a");
    }

    [Fact]
    public void Machines_WhenOnlyNameIsGiven_LeavesTheMachineIdEmpty()
    {
        var machines = ProtocolInput.Machines(Parse("""{"machines": [{"name": "host-a"}, {"name": "host-b", "machineId": "m-1"}, {"name": "host-c", "machineId": null}]}"""), required: true);

        machines.Select(m => (m.Name, m.MachineId)).Should().Equal(("host-a", null), ("host-b", "m-1"), ("host-c", null));
    }

    [Fact]
    public void Machines_WhenAbsentAndOptional_IsEmpty()
    {
        ProtocolInput.Machines(Parse("{}"), required: false).Should().BeEmpty();
        ProtocolInput.Machines(Parse("""{"machines": null}"""), required: false).Should().BeEmpty();
    }

    [Fact]
    public void RequestMachines_WhenValid_ReadsTheTemplateAndCountIgnoringUnknownFields()
    {
        ProtocolInput.RequestMachines(Parse("""{"template": {"templateId": "t1", "machineCount": 3, "attributes": {}}, "user": "x"}"""))
            .Should().Be(("t1", 3));
    }

    [Theory]
    [InlineData("""{"template": {"templateid": "t1", "machineCount": 3}}""", "template.templateId is required")]
    [InlineData("""{"template": {"templateId": "  ", "machineCount": 3}}""", "template.templateId is required")]
    [InlineData("""{"template": {"templateId": "t1", "machineCount": null}}""", "template.machineCount is required")]
    [InlineData("""{"template": {"templateId": "t1", "machineCount": 10001}}""", "template.machineCount must be at most 10000 (the most one call can request), was 10001.")]
    [InlineData("""{"template": {"templateId": "t1", "machineCount": 99999999999}}""", "template.machineCount must be at most 10000 (the most one call can request), was 99999999999.")]
    public void RequestMachines_WhenAFieldIsMissingBlankOrOutOfRange_NamesIt(string input, string expected)
    {
        var read = () => ProtocolInput.RequestMachines(Parse(input));

        read.Should().Throw<InputException>().WithMessage($"*{expected}*");
    }

    [Fact]
    public void RequestMachines_WhenTheCountIsTheMostOneCallCanRequest_PassesItOn() =>
        ProtocolInput.RequestMachines(Parse("""{"template": {"templateId": "t1", "machineCount": 10000}}""")).MachineCount.Should().Be(10000);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
