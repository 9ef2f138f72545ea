using HostFactory.Cqrs.Tests.Support;

namespace HostFactory.Cqrs.Tests.Fixtures.Behaviors;

// Behaviours are declared out of order on purpose: Order, not declaration, decides the nesting.

/// <summary>Marks the messages <see cref="AuditBehavior{TMessage, TResult}"/> wraps.</summary>
public interface IAudited;

public sealed record AuditedCommand : ICommand, IAudited;

public sealed record AuditedCommandWithResult(int Value) : ICommand<int>, IAudited;

public sealed record PlainQuery(int Value) : IQuery<int>;

[PipelineBehavior(Order = 30)]
public sealed class InnerBehavior<TMessage, TResult>(Recorder recorder) : IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull
{
    public async ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        recorder.Add("inner>");
        var result = await next(message, cancellationToken);
        recorder.Add("<inner");
        return result;
    }
}

[PipelineBehavior(Order = 10)]
public sealed class OuterBehavior<TMessage, TResult>(Recorder recorder) : IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull
{
    public async ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        recorder.Add("outer>");
        var result = await next(message, cancellationToken);
        recorder.Add("<outer");
        return result;
    }
}

[PipelineBehavior(Order = 20)]
public sealed class AuditBehavior<TMessage, TResult>(Recorder recorder) : IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull, IAudited
{
    public async ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        recorder.Add("audit>");
        var result = await next(message, cancellationToken);
        recorder.Add("<audit");
        return result;
    }
}

[CommandHandler]
public sealed class AuditedCommandHandler(Recorder recorder) : ICommandHandler<AuditedCommand>
{
    public ValueTask HandleAsync(AuditedCommand command, CancellationToken cancellationToken)
    {
        recorder.Add("handler");
        return ValueTask.CompletedTask;
    }
}

[CommandHandler]
public sealed class AuditedCommandWithResultHandler(Recorder recorder) : ICommandHandler<AuditedCommandWithResult, int>
{
    public ValueTask<int> HandleAsync(AuditedCommandWithResult command, CancellationToken cancellationToken)
    {
        recorder.Add("handler");
        return ValueTask.FromResult(command.Value + 1);
    }
}

[QueryHandler]
public sealed class PlainQueryHandler(Recorder recorder) : IQueryHandler<PlainQuery, int>
{
    public async ValueTask<int> HandleAsync(PlainQuery query, CancellationToken cancellationToken)
    {
        await Task.Yield();
        recorder.Add("handler");
        return query.Value * 10;
    }
}
