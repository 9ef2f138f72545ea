using HostFactory.Cqrs.Tests.Fixtures.CaptiveDependency;
using HostFactory.Cqrs.Tests.Fixtures.Lifetimes;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests;

public sealed class HandlerLifetimeTests
{
    [Fact]
    public async Task ExecuteAsync_WhenHandlerIsSingleton_UsesOneInstanceAcrossScopes()
    {
        await using var provider = Build();

        var first = await AskAsync(provider, new WhichSingletonHandler());
        var second = await AskAsync(provider, new WhichSingletonHandler());

        first.Should().BeOfType<SingletonHandler>().And.BeSameAs(second);
    }

    [Fact]
    public async Task ExecuteAsync_WhenHandlerIsScoped_UsesOneInstancePerScope()
    {
        await using var provider = Build();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IQueryBus>();

        var first = await bus.ExecuteAsync(new WhichScopedHandler());
        var sameScope = await bus.ExecuteAsync(new WhichScopedHandler());
        var otherScope = await AskAsync(provider, new WhichScopedHandler());

        first.Should().BeOfType<ScopedHandler>().And.BeSameAs(sameScope);
        otherScope.Should().NotBeSameAs(first);
    }

    [Fact]
    public async Task ExecuteAsync_WhenHandlerIsTransient_UsesNewInstanceEachCall()
    {
        await using var provider = Build();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IQueryBus>();

        var first = await bus.ExecuteAsync(new WhichTransientHandler());
        var second = await bus.ExecuteAsync(new WhichTransientHandler());

        first.Should().BeOfType<TransientHandler>().And.NotBeSameAs(second);
    }

    [Fact]
    public async Task ExecuteAsync_WhenHandlerNeedsScopedService_GetsTheCallersScopeInstance()
    {
        await using var provider = Build();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IQueryBus>();
        var callersDependency = scope.ServiceProvider.GetRequiredService<ScopedDependency>();

        (await bus.ExecuteAsync(new WhichDependencyScoped())).Should().BeSameAs(callersDependency);
        (await bus.ExecuteAsync(new WhichDependencyTransient())).Should().BeSameAs(callersDependency);
        (await AskAsync(provider, new WhichDependencyScoped())).Should().NotBeSameAs(callersDependency);
    }

    [Fact]
    public async Task PublishAsync_WhenEventHandlersHaveLifetimes_HonoursEach()
    {
        await using var provider = Build();
        for (var i = 0; i < 2; i++)
        {
            await using var scope = provider.CreateAsyncScope();
            var bus = scope.ServiceProvider.GetRequiredService<IEventBus>();
            await bus.PublishAsync(new LifetimeProbed());
            await bus.PublishAsync(new LifetimeProbed());
        }

        var instances = provider.GetRequiredService<Recorder>().Instances;
        object[] Of(string source) => [.. instances.Where(i => i.Source == source).Select(i => i.Instance)];
        Of("singleton").Should().HaveCount(4).And.Subject.Distinct().Should().ContainSingle();
        Of("scoped").Should().HaveCount(4).And.Subject.Distinct().Should().HaveCount(2, "one instance per scope, two publishes in each");
        Of("transient").Should().HaveCount(4).And.Subject.Distinct().Should().HaveCount(4);
    }

    [Fact]
    public void BuildServiceProvider_WhenSetupIsCorrect_PassesValidateOnBuildAndValidateScopes()
    {
        var services = ServicesFor(typeof(WhichSingletonHandler));

        services.Invoking(s => s.BuildStrict().Dispose()).Should().NotThrow();
    }

    [Fact]
    public void BuildServiceProvider_WhenSingletonHandlerNeedsScopedService_FailsAtBuild()
    {
        var services = ServicesFor(typeof(CaptureCommand));

        var thrown = services.Invoking(s => s.BuildStrict()).Should().Throw<AggregateException>();

        thrown.Which.InnerExceptions.Should().ContainSingle()
            .Which.Message.Should().Contain(typeof(CapturingSingletonHandler).FullName).And.Contain(typeof(ScopedDependency).FullName);
    }

    private static ServiceProvider Build() => ServicesFor(typeof(WhichSingletonHandler)).BuildStrict();

    private static IServiceCollection ServicesFor(Type fixture)
    {
        var services = TestServices.For(fixture);
        services.AddScoped<ScopedDependency>();
        return services;
    }

    private static async Task<TResult> AskAsync<TResult>(ServiceProvider provider, IQuery<TResult> query)
    {
        await using var scope = provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IQueryBus>().ExecuteAsync(query);
    }
}
