using HostFactory.Cqrs.Tests.Fixtures.Cancellation;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests;

public sealed class CancellationTokenTests
{
    [Fact]
    public async Task ExecuteAsync_WhenGivenToken_PassesItToBehaviorsAndHandlers()
    {
        using var cancellation = new CancellationTokenSource();
        var token = cancellation.Token;
        await using var provider = TestServices.For(typeof(TokenCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var commands = scope.ServiceProvider.GetRequiredService<ICommandBus>();
        var queries = scope.ServiceProvider.GetRequiredService<IQueryBus>();

        await commands.ExecuteAsync(new TokenCommand(), token);
        await commands.ExecuteAsync(new TokenCommandWithResult(), token);
        await queries.ExecuteAsync(new TokenQuery(), token);

        // Behaviour and handler for each of the three dispatches.
        provider.GetRequiredService<Recorder>().Tokens.Should().HaveCount(6).And.OnlyContain(t => t == token);
    }

    [Theory]
    [InlineData(EventPublishStrategy.Sequential)]
    [InlineData(EventPublishStrategy.Parallel)]
    public async Task PublishAsync_WhenGivenToken_PassesItToHandlers(EventPublishStrategy strategy)
    {
        using var cancellation = new CancellationTokenSource();
        await using var provider = TestServices.For(typeof(TokenEvent), o => o.EventPublishStrategy = strategy).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<IEventBus>().PublishAsync(new TokenEvent(), cancellation.Token);

        provider.GetRequiredService<Recorder>().Tokens.Should().Equal(cancellation.Token);
    }

    [Fact]
    public async Task ExecuteAsync_WhenNoTokenGiven_PassesNone()
    {
        await using var provider = TestServices.For(typeof(TokenCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new TokenCommand());

        provider.GetRequiredService<Recorder>().Tokens.Should().HaveCount(2).And.OnlyContain(t => t == CancellationToken.None);
    }
}
