using HostFactory.Cqrs.Tests.Fixtures.Remembered;
using HostFactory.Cqrs.Tests.Fixtures.TwoResults;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests;

/// <summary>
/// A bus remembers the first invoker it used that calls a singleton handler directly, and sends that message type to it
/// without the dispatcher's lookup; these show that every other message, sent through the same bus before and after,
/// still reaches its own handler.
/// </summary>
public sealed class RememberedInvokerTests
{
    [Fact]
    public async Task ExecuteAsync_WhenOneBusTakesTurnsWithSeveralQueryTypes_EachReachesItsOwnHandler()
    {
        await using var provider = TestServices.For(typeof(NameQuery)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IQueryBus>();

        // The scoped handler's invoker is not remembered (no direct route); NameQuery's is, from its first dispatch.
        // The rest are other types, then NameQuery again.
        var answers = new List<object>
        {
            await bus.ExecuteAsync(new ScopedEchoQuery("w")),
            await bus.ExecuteAsync(new NameQuery("a")),
            await bus.ExecuteAsync(new NameQuery("b")),
            await bus.ExecuteAsync(new LengthQuery("abc")),
            await bus.ExecuteAsync(new LengthQuery("abcd")),
            await bus.ExecuteAsync(new ScopedEchoQuery("x")),
            await bus.ExecuteAsync(new HalfQuery(8)),
            await bus.ExecuteAsync(new HalfQuery(10)),
            await bus.ExecuteAsync(new NameQuery("c")),
            await bus.ExecuteAsync(new ScopedEchoQuery("y")),
        };

        answers.Should().Equal("scoped:w", "name:a", "name:b", 3, 4, "scoped:x", 4, 5, "name:c", "scoped:y");
    }

    [Fact]
    public async Task ExecuteAsync_WhenACommandHasAHandlerWithAndOneWithoutResult_RunsTheOneAskedFor()
    {
        await using var provider = TestServices.For(typeof(MarkCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        // The command can be sent both ways, so its type alone does not say which invoker a call wants: the bus remembers
        // neither, and each call must still reach the handler it asked for.
        await bus.ExecuteAsync((ICommand)new MarkCommand("a"));
        await bus.ExecuteAsync((ICommand)new MarkCommand("bb"));
        var counted = await bus.ExecuteAsync<int>(new MarkCommand("ccc"));
        var countedAgain = await bus.ExecuteAsync<int>(new MarkCommand("dddd"));
        await bus.ExecuteAsync((ICommand)new MarkCommand("e"));

        (counted, countedAgain).Should().Be((3, 4));
        provider.GetRequiredService<Recorder>().Entries.Should().Equal("mark:a", "mark:bb", "counted:ccc", "counted:dddd", "mark:e");
    }

    [Fact]
    public async Task Invokers_WhenTheMessageTypeCanBeSentExpectingMoreThanOneResult_AreNotTheKindABusRemembers()
    {
        await using var remembered = TestServices.For(typeof(NameQuery)).BuildStrict();
        await using var twoResults = TestServices.For(typeof(CountQuery)).BuildStrict();
        var dispatcher = remembered.GetRequiredService<Dispatcher>();

        dispatcher.Query(new NameQuery("a")).ResultIsImplied.Should().BeTrue();
        dispatcher.Query(new HalfQuery(2)).ResultIsImplied.Should().BeTrue();
        dispatcher.Command(new MarkCommand("a")).ResultIsImplied.Should().BeFalse();
        dispatcher.CommandWithResult(new MarkCommand("a")).ResultIsImplied.Should().BeFalse();
        twoResults.GetRequiredService<Dispatcher>().Query<int>(new CountQuery(1)).ResultIsImplied.Should().BeFalse();
    }

    [Fact]
    public async Task ExecuteAsync_WhenThreadsShareOneBusWithDifferentQueries_EachGetsItsOwnAnswer()
    {
        await using var provider = TestServices.For(typeof(NameQuery)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IQueryBus>();
        var wrong = 0;

        // Four threads starting on different types (the first and the fourth on the same), so which invoker the bus
        // remembers is a race.
        await Parallel.ForAsync(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (thread, cancellationToken) =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var ok = ((i + thread) % 3) switch
                {
                    0 => await bus.ExecuteAsync(new NameQuery($"{i}"), cancellationToken) == $"name:{i}",
                    1 => await bus.ExecuteAsync(new LengthQuery(new string('x', i % 7)), cancellationToken) == i % 7,
                    _ => await bus.ExecuteAsync(new HalfQuery(2 * i), cancellationToken) == i,
                };
                if (!ok)
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        });

        wrong.Should().Be(0);
    }
}
