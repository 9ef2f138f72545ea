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
    [InlineData("""{"template": {"templateId": "t1", "machineCount": 99999999999}}""", null)]
    public void RequestMachines_WhenAFieldIsMissingOrBlank_NamesIt(string input, string? expected)
    {
        var read = () => ProtocolInput.RequestMachines(Parse(input));

        if (expected is null)
        {
            // Too many machines is the application's rule to state (with its limit); the count is passed on, capped.
            read().MachineCount.Should().Be(int.MaxValue);
        }
        else
        {
            read.Should().Throw<InputException>().WithMessage($"*{expected}*");
        }
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
