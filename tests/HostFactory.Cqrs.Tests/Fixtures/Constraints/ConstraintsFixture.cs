using System.Collections.Concurrent;

namespace HostFactory.Cqrs.Tests.Fixtures.Constraints;

/// <summary>Which behaviours wrapped which message, by behaviour name.</summary>
public sealed class Seen
{
    public ConcurrentQueue<string> Entries { get; } = new();
}

public sealed record Ask(int Value) : IQuery<int>;

public sealed record Tell(int Value) : ICommand<int>;

public readonly record struct StructAsk(int Value) : IQuery<int>;

[QueryHandler]
public sealed class AskHandler : IQueryHandler<Ask, int>
{
    public ValueTask<int> HandleAsync(Ask query, CancellationToken cancellationToken) => ValueTask.FromResult(query.Value);
}

[CommandHandler]
public sealed class TellHandler : ICommandHandler<Tell, int>
{
    public ValueTask<int> HandleAsync(Tell command, CancellationToken cancellationToken) => ValueTask.FromResult(command.Value);
}

[QueryHandler]
public sealed class StructAskHandler : IQueryHandler<StructAsk, int>
{
    public ValueTask<int> HandleAsync(StructAsk query, CancellationToken cancellationToken) => ValueTask.FromResult(query.Value);
}

/// <summary>A constraint naming the behaviour's other type parameter: wraps queries only.</summary>
[PipelineBehavior(Order = 1)]
public sealed class QueriesOnly<TMessage, TResult>(Seen seen) : IPipelineBehavior<TMessage, TResult>
    where TMessage : IQuery<TResult>
{
    public ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        seen.Entries.Enqueue($"{nameof(QueriesOnly<TMessage, TResult>)}:{typeof(TMessage).Name}");
        return next(message, cancellationToken);
    }
}

/// <summary>A reference-type constraint: wraps class messages, not struct ones.</summary>
[PipelineBehavior(Order = 2)]
public sealed class ClassesOnly<TMessage, TResult>(Seen seen) : IPipelineBehavior<TMessage, TResult>
    where TMessage : class
{
    public ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        seen.Entries.Enqueue($"{nameof(ClassesOnly<TMessage, TResult>)}:{typeof(TMessage).Name}");
        return next(message, cancellationToken);
    }
}

/// <summary>A value-type constraint: wraps struct messages only.</summary>
[PipelineBehavior(Order = 3)]
public sealed class StructsOnly<TMessage, TResult>(Seen seen) : IPipelineBehavior<TMessage, TResult>
    where TMessage : struct
{
    public ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        seen.Entries.Enqueue($"{nameof(StructsOnly<TMessage, TResult>)}:{typeof(TMessage).Name}");
        return next(message, cancellationToken);
    }
}
