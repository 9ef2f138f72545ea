namespace HostFactory.Cqrs.Tests.Fixtures.Failures.Wrapping;

// An async behaviour that only passes the call on; added with CqrsOptions.AddBehavior when a test wants one in the way.
public sealed class PassThroughBehavior<TMessage, TResult> : IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull
{
    public async ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        await Task.Yield();
        return await next(message, cancellationToken);
    }
}
