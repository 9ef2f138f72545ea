namespace HostFactory.Cqrs.Tests.Fixtures.Misregistered.UnmarkedBehavior;

// A well-formed behaviour that forgot [PipelineBehavior].
public sealed class UnmarkedBehavior<TMessage, TResult> : IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull
{
    public ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken) =>
        next(message, cancellationToken);
}
