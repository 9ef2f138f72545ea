using HostFactory.Cqrs.Tests.Guide;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests;

/// <summary>Runs the samples of docs/cqrs.md (Guide/GuideSamples.cs) the way the guide shows them.</summary>
public sealed class CqrsGuideTests
{
    [Fact]
    public async Task ExecuteAsync_WhenRequestIsValid_StoresItPublishesTheEventAndCommits()
    {
        await using var provider = Services().BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await using var scope = provider.CreateAsyncScope();
        var commands = scope.ServiceProvider.GetRequiredService<ICommandBus>();
        var queries = scope.ServiceProvider.GetRequiredService<IQueryBus>();

        var requestId = await commands.ExecuteAsync(new RequestMachines("centos-small", 3));

        (await queries.ExecuteAsync(new GetRequestStatus(requestId))).Should().Be("running");
        (await queries.ExecuteAsync(new GetRequestStatus("req-none"))).Should().Be("unknown");
        provider.GetRequiredService<MachineTally>().Total.Should().Be(3);
        scope.ServiceProvider.GetRequiredService<UnitOfWork>().Commits.Should().Be(1, "only RequestMachines is ITransactional");
    }

    // The guide's example test, word for word but for the TypeFilter: this assembly also holds broken fixtures.
    [Fact]
    public async Task ExecuteAsync_WhenMachineCountIsZero_RefusesWithoutRunningTheHandler()
    {
        var services = new ServiceCollection();
        services.AddSingleton<RequestBook>();
        services.AddSingleton<MachineTally>();
        services.AddScoped<UnitOfWork>();
        services.AddCqrs(options => options.TypeFilter = InGuide, typeof(RequestMachines).Assembly).ValidateCqrs();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        var refused = await bus.Awaiting(b => b.ExecuteAsync(new RequestMachines("centos-small", 0)).AsTask())
            .Should().ThrowAsync<ValidationException>();

        refused.Which.Errors.Should().ContainSingle().Which.Member.Should().Be("MachineCount");
        provider.GetRequiredService<RequestBook>().Count.Should().Be(0);
    }

    [Fact]
    public void ValidateCqrs_WhenGuideIsRegistered_FindsEveryMessageHandled()
    {
        var services = Services();

        services.Invoking(s => s.ValidateCqrs()).Should().NotThrow();
    }

    private static bool InGuide(Type type) => type.Namespace == typeof(RequestMachines).Namespace;

    /// <summary>The registration shown in the guide.</summary>
    private static IServiceCollection Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton<RequestBook>();
        services.AddSingleton<MachineTally>();
        services.AddScoped<UnitOfWork>();
        services.AddCqrs(
            options =>
            {
                options.TypeFilter = InGuide;
                options.EventPublishStrategy = EventPublishStrategy.Parallel;
            },
            typeof(RequestMachines).Assembly);
        return services;
    }
}
