using HostFactory.Cqrs.Tests.Fixtures.Dispatch;
using HostFactory.Cqrs.Tests.Fixtures.Substitution;
using HostFactory.Cqrs.Tests.Fixtures.TwoResults;
using HostFactory.Cqrs.Tests.Fixtures.Unhandled;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HostFactory.Cqrs.Tests;

public sealed class QueryBusTests
{
    [Fact]
    public async Task ExecuteAsync_WhenQueryHasHandler_ReturnsItsAnswer()
    {
        await using var provider = TestServices.For(typeof(EchoQuery)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        var answer = await scope.ServiceProvider.GetRequiredService<IQueryBus>().ExecuteAsync(new EchoQuery("machines"));

        answer.Should().Be("machines");
        provider.GetRequiredService<Recorder>().Entries.Should().Equal("echo:machines");
    }

    [Fact]
    public async Task ExecuteAsync_WhenStructQueryHasSingletonHandler_AnswersEachQuery()
    {
        await using var provider = TestServices.For(typeof(SquareQuery)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IQueryBus>();

        var answers = new List<int>();
        for (var value = 1; value <= 3; value++)
        {
            answers.Add(await bus.ExecuteAsync(new SquareQuery(value)));
        }

        answers.Should().Equal(1, 4, 9);
    }

    [Fact]
    public async Task ExecuteAsync_WhenQueryHasNoHandler_ThrowsHandlerNotFoundNamingTypeAndAssemblies()
    {
        await using var provider = TestServices.For(typeof(UnhandledQuery)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IQueryBus>();

        var thrown = await bus.Awaiting(b => b.ExecuteAsync(new UnhandledQuery()).AsTask())
            .Should().ThrowExactlyAsync<HandlerNotFoundException>();

        thrown.Which.MessageType.Should().Be<UnhandledQuery>();
        thrown.Which.ScannedAssemblies.Should().Equal(TestServices.TestAssembly);
        thrown.Which.Message.Should().Contain(typeof(UnhandledQuery).FullName).And.Contain(TestServices.TestAssembly.GetName().Name);
    }

    [Fact]
    public async Task ExecuteAsync_WhenQueryIsSentForAResultItsHandlerDoesNotAnswer_ThrowsNamingBothResults()
    {
        await using var provider = TestServices.For(typeof(CountQuery)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IQueryBus>();
        var query = new CountQuery(3);

        // Once before and once after the first dispatch opened the singleton handler's direct route.
        var before = await bus.Awaiting(b => b.ExecuteAsync<long>(query).AsTask()).Should().ThrowExactlyAsync<InvalidOperationException>();
        var answer = await bus.ExecuteAsync<int>(query);
        var after = await bus.Awaiting(b => b.ExecuteAsync<long>(query).AsTask()).Should().ThrowExactlyAsync<InvalidOperationException>();

        answer.Should().Be(3);
        foreach (var thrown in new[] { before.Which, after.Which })
        {
            thrown.Message.Should().Be(
                $"{typeof(CountQuery).FullName} was dispatched expecting a result of System.Int64, but its handler returns System.Int32.");
        }
    }

    [Fact]
    public async Task ExecuteAsync_WhenHandlerIsOutsideTypeFilter_ThrowsHandlerNotFound()
    {
        // The handler exists in the scanned assembly, but the filter keeps the scan to another namespace.
        await using var provider = TestServices.For(typeof(UnhandledQuery)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IQueryBus>();

        await bus.Awaiting(b => b.ExecuteAsync(new EchoQuery("x")).AsTask())
            .Should().ThrowExactlyAsync<HandlerNotFoundException>();
    }

    [Fact]
    public async Task ExecuteAsync_WhenApplicationRegistersASubclassForTheHandler_RunsTheSubclass()
    {
        var services = TestServices.For(typeof(Greet));
        services.Replace(ServiceDescriptor.Scoped<GreetHandler, ShoutingGreetHandler>());
        await using var provider = services.BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        var answer = await scope.ServiceProvider.GetRequiredService<IQueryBus>().ExecuteAsync(new Greet("ada"));

        answer.Should().Be("HELLO ADA");
    }

    /// <summary>Outside the fixture's namespace, so the scan does not see it: only the application's registration does.</summary>
    private sealed class ShoutingGreetHandler : GreetHandler
    {
        public override async ValueTask<string> HandleAsync(Greet query, CancellationToken cancellationToken) =>
            (await base.HandleAsync(query, cancellationToken)).ToUpperInvariant();
    }
}
