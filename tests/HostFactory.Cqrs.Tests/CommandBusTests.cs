using HostFactory.Cqrs.Tests.Fixtures.Dispatch;
using HostFactory.Cqrs.Tests.Fixtures.Unhandled;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HostFactory.Cqrs.Tests;

public sealed class CommandBusTests
{
    [Fact]
    public async Task ExecuteAsync_WhenCommandHasHandler_RunsIt()
    {
        await using var provider = TestServices.For(typeof(RecordCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new RecordCommand("hello"));

        provider.GetRequiredService<Recorder>().Entries.Should().Equal("command:hello");
    }

    [Fact]
    public async Task ExecuteAsync_WhenCommandHasResult_ReturnsHandlerResult()
    {
        await using var provider = TestServices.For(typeof(DoubleCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        var result = await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new DoubleCommand(21));

        result.Should().Be(42);
        provider.GetRequiredService<Recorder>().Entries.Should().Equal("double:21");
    }

    [Fact]
    public async Task ExecuteAsync_WhenCommandIsAStruct_RunsItsHandler()
    {
        await using var provider = TestServices.For(typeof(TallyCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new TallyCommand(3));

        provider.GetRequiredService<Recorder>().Entries.Should().Equal("tally:3");
    }

    [Fact]
    public async Task ExecuteAsync_WhenStructCommandHasSingletonHandler_RunsItWithEachCommandsValue()
    {
        await using var provider = TestServices.For(typeof(CountCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        for (var value = 1; value <= 3; value++)
        {
            await bus.ExecuteAsync(new CountCommand(value));
        }

        provider.GetRequiredService<Recorder>().Entries.Should().Equal("count:1", "count:2", "count:3");
    }

    [Fact]
    public async Task ExecuteAsync_WhenCommandHasNoHandler_ThrowsHandlerNotFoundNamingTypeAndAssemblies()
    {
        await using var provider = TestServices.For(typeof(UnhandledCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        var thrown = await bus.Awaiting(b => b.ExecuteAsync(new UnhandledCommand()).AsTask())
            .Should().ThrowExactlyAsync<HandlerNotFoundException>();

        thrown.Which.MessageType.Should().Be<UnhandledCommand>();
        thrown.Which.ScannedAssemblies.Should().Equal(TestServices.TestAssembly);
        thrown.Which.Message.Should().Contain(typeof(UnhandledCommand).FullName).And.Contain(TestServices.TestAssembly.GetName().Name);
    }

    [Fact]
    public async Task ExecuteAsync_WhenCommandWithResultHasNoHandler_ThrowsHandlerNotFoundNamingTypeAndAssemblies()
    {
        await using var provider = TestServices.For(typeof(UnhandledCommandWithResult)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        var thrown = await bus.Awaiting(b => b.ExecuteAsync(new UnhandledCommandWithResult()).AsTask())
            .Should().ThrowExactlyAsync<HandlerNotFoundException>();

        thrown.Which.MessageType.Should().Be<UnhandledCommandWithResult>();
        thrown.Which.Message.Should().Contain(typeof(UnhandledCommandWithResult).FullName).And.Contain(TestServices.TestAssembly.GetName().Name);
    }

    [Fact]
    public async Task ExecuteAsync_WhenCommandIsNull_ThrowsArgumentNull()
    {
        await using var provider = TestServices.For(typeof(RecordCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        await bus.Awaiting(b => b.ExecuteAsync(null!).AsTask()).Should().ThrowExactlyAsync<ArgumentNullException>();
    }

    [Fact]
    public async Task ExecuteAsync_WhenBusComesFromRootAndHandlerIsScoped_FailsUnderScopeValidation()
    {
        await using var provider = TestServices.For(typeof(RecordCommand)).BuildStrict();

        // A bus resolves handlers from the provider it came from; from the root, a scoped handler would live for ever.
        var bus = provider.GetRequiredService<ICommandBus>();

        await bus.Awaiting(b => b.ExecuteAsync(new RecordCommand("root")).AsTask())
            .Should().ThrowExactlyAsync<InvalidOperationException>().WithMessage("*scoped*root*");
        provider.GetRequiredService<Recorder>().Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task ExecuteAsync_WhenHandlerRegistrationWasRemoved_ThrowsNamingTheHandler()
    {
        var services = TestServices.For(typeof(RecordCommand));
        services.RemoveAll<RecordCommandHandler>();
        await using var provider = services.BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        await bus.Awaiting(b => b.ExecuteAsync(new RecordCommand("lost")).AsTask())
            .Should().ThrowExactlyAsync<InvalidOperationException>().WithMessage($"*{typeof(RecordCommandHandler).FullName}*");
        provider.GetRequiredService<Recorder>().Entries.Should().BeEmpty();
    }
}
