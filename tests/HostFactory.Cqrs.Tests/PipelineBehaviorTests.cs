using HostFactory.Cqrs.Tests.Fixtures.BehaviorLifetimes;
using HostFactory.Cqrs.Tests.Fixtures.Behaviors;
using HostFactory.Cqrs.Tests.Fixtures.Behaviors.Added;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests;

public sealed class PipelineBehaviorTests
{
    [Fact]
    public async Task ExecuteAsync_WhenCommandHasBehaviors_WrapsHandlerInOrder()
    {
        await using var provider = TestServices.For(typeof(AuditedCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new AuditedCommand());

        provider.GetRequiredService<Recorder>().Entries.Should().Equal(
            "outer>", "audit>", "inner>", "handler", "<inner", "<audit", "<outer");
    }

    [Fact]
    public async Task ExecuteAsync_WhenCommandWithResultHasBehaviors_WrapsHandlerInOrderAndReturnsResult()
    {
        await using var provider = TestServices.For(typeof(AuditedCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        var result = await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new AuditedCommandWithResult(41));

        result.Should().Be(42);
        provider.GetRequiredService<Recorder>().Entries.Should().Equal(
            "outer>", "audit>", "inner>", "handler", "<inner", "<audit", "<outer");
    }

    [Fact]
    public async Task ExecuteAsync_WhenMessageFailsBehaviorConstraint_SkipsThatBehavior()
    {
        await using var provider = TestServices.For(typeof(PlainQuery)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        var answer = await scope.ServiceProvider.GetRequiredService<IQueryBus>().ExecuteAsync(new PlainQuery(4));

        answer.Should().Be(40);
        provider.GetRequiredService<Recorder>().Entries.Should().Equal("outer>", "inner>", "handler", "<inner", "<outer");
    }

    [Fact]
    public async Task ExecuteAsync_WhenBehaviorAddedThroughOptions_PlacesItByOrder()
    {
        await using var provider = TestServices.For(typeof(PlainQuery), o => o.AddBehavior(typeof(AddedBehavior<,>), order: 15)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<IQueryBus>().ExecuteAsync(new PlainQuery(1));

        provider.GetRequiredService<Recorder>().Entries.Should().Equal(
            "outer>", "added>", "inner>", "handler", "<inner", "<added", "<outer");
    }

    [Fact]
    public async Task ExecuteAsync_WhenTwoBehaviorsShareAnOrder_NestsThemInRegistrationOrder()
    {
        // A scan registers the behaviours it finds before the options' ones, so AuditBehavior (order 20) wraps the added one (order 20).
        await using var provider = TestServices.For(typeof(AuditedCommand), o => o.AddBehavior(typeof(AddedBehavior<,>), order: 20)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new AuditedCommand());

        provider.GetRequiredService<Recorder>().Entries.Should().Equal(
            "outer>", "audit>", "added>", "inner>", "handler", "<inner", "<added", "<audit", "<outer");
    }

    [Theory]
    [InlineData(ServiceLifetime.Singleton)]
    [InlineData(ServiceLifetime.Scoped)]
    [InlineData(ServiceLifetime.Transient)]
    public async Task ExecuteAsync_WhenAddedBehaviorHasLifetime_RunsIt(ServiceLifetime lifetime)
    {
        await using var provider = TestServices.For(typeof(PlainQuery), o => o.AddBehavior(typeof(AddedBehavior<,>), order: 5, lifetime)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<IQueryBus>().ExecuteAsync(new PlainQuery(1));

        provider.GetRequiredService<Recorder>().Entries.Should().StartWith(["added>", "outer>"]);
    }

    [Fact]
    public async Task ExecuteAsync_WhenBehaviorIsScoped_UsesOneInstancePerScope()
    {
        await using var provider = TestServices.For(typeof(CountedQuery)).BuildStrict();
        for (var i = 0; i < 2; i++)
        {
            await using var scope = provider.CreateAsyncScope();
            var bus = scope.ServiceProvider.GetRequiredService<IQueryBus>();
            await bus.ExecuteAsync(new CountedQuery());
            await bus.ExecuteAsync(new CountedQuery());
        }

        var scoped = Instances(provider, "scoped");
        scoped.Should().HaveCount(4);
        scoped[0].Should().BeSameAs(scoped[1]);
        scoped[2].Should().BeSameAs(scoped[3]).And.NotBeSameAs(scoped[0]);
    }

    [Fact]
    public async Task ExecuteAsync_WhenBehaviorIsTransient_UsesNewInstanceEachCall()
    {
        await using var provider = TestServices.For(typeof(CountedQuery)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IQueryBus>();

        await bus.ExecuteAsync(new CountedQuery());
        await bus.ExecuteAsync(new CountedQuery());
        await bus.ExecuteAsync(new CountedQuery());

        Instances(provider, "transient").Should().HaveCount(3).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task ExecuteAsync_WhenSingletonHandlerHasScopedBehavior_ResolvesBehaviorPerScope()
    {
        // A singleton handler alone would let the bus build its chain once; a scoped behaviour must stop that.
        await using var provider = TestServices.For(typeof(CountedCommand)).BuildStrict();
        for (var i = 0; i < 2; i++)
        {
            await using var scope = provider.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new CountedCommand());
        }

        Instances(provider, "scoped").Should().HaveCount(2).And.OnlyHaveUniqueItems();
        Instances(provider, "transient").Should().HaveCount(2).And.OnlyHaveUniqueItems();
    }

    private static IReadOnlyList<object> Instances(ServiceProvider provider, string source) =>
        [.. provider.GetRequiredService<Recorder>().Instances.Where(i => i.Source == source).Select(i => i.Instance)];
}
