using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests.Fixtures.BehaviorLifetimes;

public sealed record CountedQuery : IQuery<int>;

public sealed record CountedCommand : ICommand;

[PipelineBehavior(Order = 1, Lifetime = ServiceLifetime.Scoped)]
public sealed class ScopedBehavior<TMessage, TResult>(Recorder recorder) : IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull
{
    public ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        recorder.AddInstance("scoped", this);
        return next(message, cancellationToken);
    }
}

[PipelineBehavior(Order = 2, Lifetime = ServiceLifetime.Transient)]
public sealed class TransientBehavior<TMessage, TResult>(Recorder recorder) : IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull
{
    public ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        recorder.AddInstance("transient", this);
        return next(message, cancellationToken);
    }
}

[QueryHandler]
public sealed class CountedQueryHandler(Recorder recorder) : IQueryHandler<CountedQuery, int>
{
    public ValueTask<int> HandleAsync(CountedQuery query, CancellationToken cancellationToken)
    {
        recorder.Add("handler");
        return ValueTask.FromResult(recorder.Entries.Count);
    }
}

[CommandHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class CountedCommandHandler(Recorder recorder) : ICommandHandler<CountedCommand>
{
    public ValueTask HandleAsync(CountedCommand command, CancellationToken cancellationToken)
    {
        recorder.Add("handler");
        return ValueTask.CompletedTask;
    }
}
