using HostFactory.Cqrs.Tests.Fixtures.Dispatch;
using HostFactory.Cqrs.Tests.Fixtures.Lifetimes;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests;

/// <summary>What a bus shares with other containers and other scopes: nothing.</summary>
public sealed class BusIsolationTests
{
    [Fact]
    public async Task ExecuteAsync_WhenTwoContainersAreBuiltFromOneCollection_EachUsesItsOwnSingletonHandler()
    {
        var services = TestServices.For(typeof(WhichSingletonHandler)).AddScoped<ScopedDependency>();
        await using var first = services.BuildStrict();
        await using var second = services.BuildStrict();

        var fromFirst = await AskAsync(first, new WhichSingletonHandler());
        var fromSecond = await AskAsync(second, new WhichSingletonHandler());

        fromFirst.Should().BeSameAs(first.GetRequiredService<SingletonHandler>());
        fromSecond.Should().BeSameAs(second.GetRequiredService<SingletonHandler>());
        fromSecond.Should().NotBeSameAs(fromFirst);
    }

    [Fact]
    public async Task ExecuteAsync_WhenTwoContainersAreBuiltFromOneCollection_EachRecordsInItsOwnServices()
    {
        var services = TestServices.For(typeof(RecordCommand));
        await using var first = services.BuildStrict();
        await using var second = services.BuildStrict();

        await ExecuteAsync(first, new RecordCommand("first"));
        await ExecuteAsync(second, new RecordCommand("second"));
        await ExecuteAsync(first, new RecordCommand("first again"));

        first.GetRequiredService<Recorder>().Entries.Should().Equal("command:first", "command:first again");
        second.GetRequiredService<Recorder>().Entries.Should().Equal("command:second");
    }

    [Fact]
    public async Task ExecuteAsync_WhenContainersComeFromDifferentCollections_EachKnowsOnlyItsOwnHandlers()
    {
        await using var records = TestServices.For(typeof(RecordCommand)).BuildStrict();
        await using var lifetimes = TestServices.For(typeof(WhichSingletonHandler)).AddScoped<ScopedDependency>().BuildStrict();

        await ExecuteAsync(records, new RecordCommand("known"));
        await lifetimes.Awaiting(p => ExecuteAsync(p, new RecordCommand("unknown")))
            .Should().ThrowExactlyAsync<HandlerNotFoundException>();
        await records.Awaiting(p => AskAsync(p, new WhichSingletonHandler()))
            .Should().ThrowExactlyAsync<HandlerNotFoundException>();

        records.GetRequiredService<Recorder>().Entries.Should().Equal("command:known");
    }

    [Fact]
    public async Task ExecuteAsync_WhenBusesOfTwoScopesTakeTurns_EachResolvesFromItsOwnScope()
    {
        await using var provider = TestServices.For(typeof(WhichScopedHandler)).AddScoped<ScopedDependency>().BuildStrict();
        await using var scopeA = provider.CreateAsyncScope();
        await using var scopeB = provider.CreateAsyncScope();
        var busA = scopeA.ServiceProvider.GetRequiredService<IQueryBus>();
        var busB = scopeB.ServiceProvider.GetRequiredService<IQueryBus>();

        var a1 = await busA.ExecuteAsync(new WhichScopedHandler());
        var b1 = await busB.ExecuteAsync(new WhichScopedHandler());
        var a2 = await busA.ExecuteAsync(new WhichScopedHandler());
        var b2 = await busB.ExecuteAsync(new WhichDependencyScoped());
        var a3 = await busA.ExecuteAsync(new WhichDependencyScoped());

        a1.Should().BeSameAs(scopeA.ServiceProvider.GetRequiredService<ScopedHandler>()).And.BeSameAs(a2);
        b1.Should().BeSameAs(scopeB.ServiceProvider.GetRequiredService<ScopedHandler>()).And.NotBeSameAs(a1);
        a3.Should().BeSameAs(scopeA.ServiceProvider.GetRequiredService<ScopedDependency>());
        b2.Should().BeSameAs(scopeB.ServiceProvider.GetRequiredService<ScopedDependency>()).And.NotBeSameAs(a3);
    }

    private static async Task ExecuteAsync(IServiceProvider provider, ICommand command)
    {
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(command);
    }

    private static async Task<TResult> AskAsync<TResult>(IServiceProvider provider, IQuery<TResult> query)
    {
        await using var scope = provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IQueryBus>().ExecuteAsync(query);
    }
}
