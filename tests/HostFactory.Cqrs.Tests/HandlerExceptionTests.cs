using HostFactory.Cqrs.Tests.Fixtures.Failures;
using HostFactory.Cqrs.Tests.Fixtures.Failures.Wrapping;
using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HostFactory.Cqrs.Tests;

public sealed class HandlerExceptionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task ExecuteAsync_WhenCommandHandlerThrowsSynchronously_RethrowsSameException(bool withBehaviors) =>
        AssertHandlerExceptionReachesCaller<FailSynchronouslyCommandHandler>(
            withBehaviors, bus => bus.GetRequiredService<ICommandBus>().ExecuteAsync(new FailSynchronouslyCommand()).AsTask());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task ExecuteAsync_WhenCommandHandlerThrowsAfterAwait_RethrowsSameException(bool withBehaviors) =>
        AssertHandlerExceptionReachesCaller<FailAfterAwaitCommandHandler>(
            withBehaviors, bus => bus.GetRequiredService<ICommandBus>().ExecuteAsync(new FailAfterAwaitCommand()).AsTask());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task ExecuteAsync_WhenCommandWithResultHandlerThrows_RethrowsSameException(bool withBehaviors) =>
        AssertHandlerExceptionReachesCaller<FailSynchronouslyCommandWithResultHandler>(
            withBehaviors, bus => bus.GetRequiredService<ICommandBus>().ExecuteAsync(new FailSynchronouslyCommandWithResult()).AsTask());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task ExecuteAsync_WhenQueryHandlerThrowsSynchronously_RethrowsSameException(bool withBehaviors) =>
        AssertHandlerExceptionReachesCaller<FailSynchronouslyQueryHandler>(
            withBehaviors, bus => bus.GetRequiredService<IQueryBus>().ExecuteAsync(new FailSynchronouslyQuery()).AsTask());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task ExecuteAsync_WhenQueryHandlerThrowsAfterAwait_RethrowsSameException(bool withBehaviors) =>
        AssertHandlerExceptionReachesCaller<FailAfterAwaitQueryHandler>(
            withBehaviors, bus => bus.GetRequiredService<IQueryBus>().ExecuteAsync(new FailAfterAwaitQuery()).AsTask());

    /// <summary>
    /// Dispatches through a pipeline that is either empty (the built-ins switched off, so the handler is called directly)
    /// or full (an async pass-through behaviour and the built-in logging at Debug), and checks the caller gets the very
    /// exception the handler threw, with the handler's frame still on its stack trace.
    /// </summary>
    private static async Task AssertHandlerExceptionReachesCaller<THandler>(bool withBehaviors, Func<IServiceProvider, Task> dispatch)
    {
        var services = TestServices.For(
            typeof(MachineProviderException),
            o =>
            {
                if (withBehaviors)
                {
                    o.AddBehavior(typeof(PassThroughBehavior<,>));
                }
            });
        if (withBehaviors)
        {
            services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new CapturingLoggerProvider()));
        }

        await using var provider = services.BuildStrict();
        await using var scope = provider.CreateAsyncScope();

        var thrown = await scope.ServiceProvider.Awaiting(dispatch).Should().ThrowExactlyAsync<MachineProviderException>();

        thrown.Which.Should().BeSameAs(provider.GetRequiredService<Recorder>().Thrown.Should().ContainSingle().Subject);
        thrown.Which.StackTrace.Should().Contain($"{typeof(THandler).FullName}.HandleAsync");
    }
}
