using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;

namespace HostFactory.Domain.Tests.Providers;

public sealed class ProvisionResultTests
{
    [Fact]
    public void Success_WhenMachinesGiven_IsComplete()
    {
        var result = ProvisionResult.Success([TestData.Provisioned()]);

        result.IsComplete.Should().BeTrue();
        result.Error.Should().BeNull();
        result.Machines.Should().ContainSingle();
    }

    [Fact]
    public void Partial_WhenSomeMachinesMade_KeepsThemAndTheError()
    {
        var result = ProvisionResult.Partial([TestData.Provisioned(MachineStatus.Running)], "quota exceeded after 1 of 3");

        result.IsComplete.Should().BeFalse();
        result.Error.Should().Be("quota exceeded after 1 of 3");
        result.Machines.Should().ContainSingle().Which.Status.Should().Be(MachineStatus.Running);
    }

    [Fact]
    public void Failure_WhenNothingMade_HasNoMachines()
    {
        var result = ProvisionResult.Failure("image not found");

        result.IsComplete.Should().BeFalse();
        result.Machines.Should().BeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void PartialAndFailure_WhenErrorBlank_Throw(string error)
    {
        FluentActions.Invoking(() => ProvisionResult.Partial([], error)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => ProvisionResult.Failure(error)).Should().Throw<ArgumentException>();
    }
}
