using HostFactory.Cqrs.Tests.Fixtures.Constraints;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests;

public sealed class BehaviorConstraintTests
{
    [Fact]
    public async Task ExecuteAsync_WhenBehaviorConstraintsNameTheResultOrAKindOfType_WrapsOnlyMatchingMessages()
    {
        var services = TestServices.For(typeof(Seen));
        services.AddSingleton<Seen>();
        await using var provider = services.BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<IQueryBus>();
        var commands = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        (await queries.ExecuteAsync(new Ask(1))).Should().Be(1);
        (await commands.ExecuteAsync(new Tell(2))).Should().Be(2);
        (await queries.ExecuteAsync(new StructAsk(3))).Should().Be(3);

        provider.GetRequiredService<Seen>().Entries.Should().Equal(
            "QueriesOnly:Ask",
            "ClassesOnly:Ask",
            "ClassesOnly:Tell",
            "QueriesOnly:StructAsk",
            "StructsOnly:StructAsk");
    }
}
