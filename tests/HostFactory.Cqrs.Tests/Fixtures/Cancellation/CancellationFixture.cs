using HostFactory.Cqrs.Tests.Support;

namespace HostFactory.Cqrs.Tests.Fixtures.Cancellation;

public sealed record TokenCommand : ICommand;

public sealed record TokenCommandWithResult : ICommand<int>;

public sealed record TokenQuery : IQuery<int>;

public sealed record TokenEvent : IEvent;

[PipelineBehavior]
public sealed class TokenBehavior<TMessage, TResult>(Recorder recorder) : IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull
{
    public ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        recorder.AddToken(cancellationToken);
        return next(message, cancellationToken);
    }
}

[CommandHandler]
public sealed class TokenCommandHandler(Recorder recorder) : ICommandHandler<TokenCommand>
{
    public ValueTask HandleAsync(TokenCommand command, CancellationToken cancellationToken)
    {
        recorder.AddToken(cancellationToken);
        return ValueTask.CompletedTask;
    }
}

[CommandHandler]
public sealed class TokenCommandWithResultHandler(Recorder recorder) : ICommandHandler<TokenCommandWithResult, int>
{
    public ValueTask<int> HandleAsync(TokenCommandWithResult command, CancellationToken cancellationToken)
    {
        recorder.AddToken(cancellationToken);
        return ValueTask.FromResult(1);
    }
}

[QueryHandler]
public sealed class TokenQueryHandler(Recorder recorder) : IQueryHandler<TokenQuery, int>
{
    public ValueTask<int> HandleAsync(TokenQuery query, CancellationToken cancellationToken)
    {
        recorder.AddToken(cancellationToken);
        return ValueTask.FromResult(1);
    }
}

[EventHandler]
public sealed class TokenEventHandler(Recorder recorder) : IEventHandler<TokenEvent>
{
    public ValueTask HandleAsync(TokenEvent @event, CancellationToken cancellationToken)
    {
        recorder.AddToken(cancellationToken);
        return ValueTask.CompletedTask;
    }
}
