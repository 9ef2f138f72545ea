using HostFactory.Cqrs.Tests.Fixtures.Validation;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests;

public sealed class ValidationBehaviorTests
{
    [Fact]
    public async Task ExecuteAsync_WhenCommandIsInvalid_ThrowsValidationListingEveryErrorAndSkipsHandler()
    {
        await using var provider = TestServices.For(typeof(ProvisionMachines)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        var thrown = await bus.Awaiting(b => b.ExecuteAsync(new ProvisionMachines("", 0)).AsTask())
            .Should().ThrowExactlyAsync<ValidationException>();

        thrown.Which.MessageType.Should().Be<ProvisionMachines>();
        thrown.Which.Errors.Should().Equal(
            new ValidationError("TemplateId", "must not be empty"),
            new ValidationError("MachineCount", "must be at least 1"));
        thrown.Which.Message.Should().Contain("TemplateId: must not be empty").And.Contain("MachineCount: must be at least 1");
        provider.GetRequiredService<Recorder>().Entries.Should().NotContain("handler");
    }

    [Fact]
    public async Task ExecuteAsync_WhenQueryIsInvalid_ThrowsValidationAndSkipsHandler()
    {
        await using var provider = TestServices.For(typeof(ProvisionMachines)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IQueryBus>();

        var thrown = await bus.Awaiting(b => b.ExecuteAsync(new FindMachines(500)).AsTask())
            .Should().ThrowExactlyAsync<ValidationException>();

        thrown.Which.Errors.Should().Equal(new ValidationError("Limit", "must be between 1 and 100"));
        provider.GetRequiredService<Recorder>().Entries.Should().NotContain("handler");
    }

    [Fact]
    public async Task ExecuteAsync_WhenMessageIsValid_RunsHandler()
    {
        await using var provider = TestServices.For(typeof(ProvisionMachines)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        var result = await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new ProvisionMachines("centos-small", 3));
        var answer = await scope.ServiceProvider.GetRequiredService<IQueryBus>().ExecuteAsync(new FindMachines(10));

        result.Should().Be(3);
        answer.Should().Be(10);
        provider.GetRequiredService<Recorder>().Entries.Should().Equal("inside", "handler", "inside", "handler");
    }

    [Fact]
    public async Task ExecuteAsync_WhenMessageIsInvalid_RefusesAtBuiltInValidationOrder()
    {
        // Behaviours ordered before BuiltInBehaviorOrder.Validation see the refusal; those after it never run.
        await using var provider = TestServices.For(typeof(ProvisionMachines)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<ICommandBus>().Awaiting(b => b.ExecuteAsync(new ProvisionMachines("x", 0)).AsTask())
            .Should().ThrowExactlyAsync<ValidationException>();

        provider.GetRequiredService<Recorder>().Entries.Should().Equal("outside saw ValidationException");
    }
}
