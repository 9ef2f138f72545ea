using HostFactory.Cqrs.Tests.Fixtures.Observability;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HostFactory.Cqrs.Tests;

public sealed class LoggingBehaviorTests
{
    private readonly CapturingLoggerProvider _logs = new();

    [Fact]
    public async Task ExecuteAsync_WhenDebugEnabledAndHandlerSucceeds_WritesOneSuccessRecord()
    {
        await using var provider = Build(LogLevel.Debug);
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new LoggedCommand());

        var record = _logs.Records.Should().ContainSingle().Subject;
        record.Category.Should().Be(CqrsDiagnostics.Name);
        record.Level.Should().Be(LogLevel.Debug);
        record.State.Should().Contain("MessageType", nameof(LoggedCommand));
        record.State["ElapsedMilliseconds"].Should().BeOfType<double>().Which.Should().BeGreaterThanOrEqualTo(0);
        record.Message.Should().Contain(nameof(LoggedCommand)).And.Contain("success").And.Contain(" ms");
    }

    [Fact]
    public async Task ExecuteAsync_WhenDebugEnabledAndHandlerFails_WritesOneFailureRecord()
    {
        await using var provider = Build(LogLevel.Debug);
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<IQueryBus>().Awaiting(b => b.ExecuteAsync(new FailingLoggedQuery()).AsTask())
            .Should().ThrowExactlyAsync<ObservedFailureException>();

        var record = _logs.Records.Should().ContainSingle().Subject;
        record.Level.Should().Be(LogLevel.Debug);
        record.State.Should().Contain("MessageType", nameof(FailingLoggedQuery));
        record.State.Should().Contain("ExceptionType", nameof(ObservedFailureException));
        record.State["ElapsedMilliseconds"].Should().BeOfType<double>();
        record.Message.Should().Contain(nameof(FailingLoggedQuery)).And.Contain("failure");
    }

    [Fact]
    public async Task ExecuteAsync_WhenDispatchedTwice_WritesOneRecordPerDispatch()
    {
        await using var provider = Build(LogLevel.Debug);
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        await bus.ExecuteAsync(new LoggedCommand());
        await bus.ExecuteAsync(new LoggedCommand());

        _logs.Records.Should().HaveCount(2);
    }

    [Fact]
    public async Task ExecuteAsync_WhenDebugDisabled_WritesNothing()
    {
        await using var provider = Build(LogLevel.Information);
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new LoggedCommand());
        await scope.ServiceProvider.GetRequiredService<IQueryBus>().Awaiting(b => b.ExecuteAsync(new FailingLoggedQuery()).AsTask())
            .Should().ThrowExactlyAsync<ObservedFailureException>();

        _logs.Records.Should().BeEmpty();
    }

    [Fact]
    public async Task ExecuteAsync_WhenDispatchLoggingIsSwitchedOff_WritesNothingAtDebug()
    {
        var services = TestServices.For(typeof(LoggedCommand), options => options.LogDispatches = false);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(_logs));
        await using var provider = services.BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new LoggedCommand());
        await scope.ServiceProvider.GetRequiredService<IQueryBus>().Awaiting(b => b.ExecuteAsync(new FailingLoggedQuery()).AsTask())
            .Should().ThrowExactlyAsync<ObservedFailureException>();

        _logs.Records.Should().BeEmpty();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ExecuteAsync_WithDispatchLoggingOnOrOff_AsksTheLoggerOnEveryDispatchOrNever(bool logDispatches)
    {
        var asked = 0;
        var services = TestServices.For(typeof(LoggedSingletonCommand), options => options.LogDispatches = logDispatches);
        services.AddLogging(logging => logging.AddFilter((category, level) =>
        {
            if (category == CqrsDiagnostics.Name && level == LogLevel.Debug)
            {
                Interlocked.Increment(ref asked);
            }

            return level >= LogLevel.Information;
        }).AddProvider(_logs));
        await using var provider = services.BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        for (var i = 0; i < 5; i++)
        {
            await bus.ExecuteAsync(new LoggedSingletonCommand(i));
        }

        if (logDispatches)
        {
            asked.Should().BeGreaterThanOrEqualTo(5, "a level switched on must take effect from the next dispatch");
        }
        else
        {
            asked.Should().Be(0, "with dispatch logging off no dispatch asks a logger");
        }
    }

    [Fact]
    public async Task ExecuteAsync_WhenDispatchLoggingIsSwitchedOffByALaterAddCqrs_WritesNothingAtDebug()
    {
        var services = TestServices.For(typeof(LoggedCommand));
        services.AddCqrs(options => options.LogDispatches = false);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(_logs));
        await using var provider = services.BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(new LoggedCommand());

        _logs.Records.Should().BeEmpty("the options are read when the container is built");
    }

    [Fact]
    public async Task ExecuteAsync_WhenLoggingIsNotRegistered_DispatchesWithoutLogger()
    {
        await using var provider = TestServices.For(typeof(LoggedCommand)).BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        await scope.ServiceProvider.Awaiting(s => s.GetRequiredService<ICommandBus>().ExecuteAsync(new LoggedCommand()).AsTask())
            .Should().NotThrowAsync();
    }

    private ServiceProvider Build(LogLevel minimum)
    {
        var services = TestServices.For(typeof(LoggedCommand));
        services.AddLogging(logging => logging.SetMinimumLevel(minimum).AddProvider(_logs));
        return services.BuildStrict();
    }

    [Fact]
    public async Task ExecuteAsync_WhenDebugIsSwitchedOnBetweenDispatches_LogsFromThen()
    {
        var debug = false;
        var services = TestServices.For(typeof(LoggedCommand));
        services.AddLogging(logging => logging.AddFilter((_, _, level) => level >= LogLevel.Information || debug).AddProvider(_logs));
        await using var provider = services.BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        await bus.ExecuteAsync(new LoggedCommand());
        debug = true;
        await bus.ExecuteAsync(new LoggedCommand());
        debug = false;
        await bus.ExecuteAsync(new LoggedCommand());

        _logs.Records.Should().ContainSingle("only the dispatch made while Debug was on is logged");
    }

    [Fact]
    public async Task ExecuteAsync_WhenHandlerIsSingletonAndDebugIsSwitchedOnBetweenDispatches_LogsFromThen()
    {
        var debug = false;
        var services = TestServices.For(typeof(LoggedSingletonCommand));
        services.AddLogging(logging => logging.AddFilter((_, _, level) => level >= LogLevel.Information || debug).AddProvider(_logs));
        await using var provider = services.BuildStrict();
        await using var scope = provider.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<ICommandBus>();

        // Two quiet dispatches first: the second goes straight to the singleton handler.
        await bus.ExecuteAsync(new LoggedSingletonCommand(1));
        await bus.ExecuteAsync(new LoggedSingletonCommand(2));
        debug = true;
        await bus.ExecuteAsync(new LoggedSingletonCommand(3));
        debug = false;
        await bus.ExecuteAsync(new LoggedSingletonCommand(4));

        _logs.Records.Should().ContainSingle("only the dispatch made while Debug was on is logged")
            .Which.Message.Should().Contain(nameof(LoggedSingletonCommand));
    }
}
