using HostFactory.Cqrs;

namespace HostFactory.Application.Common;

/// <summary>Re-runs commands marked <see cref="IRetryOnConcurrencyConflict"/> when they meet a concurrency conflict.</summary>
/// <remarks>Inside validation (a re-run would find the same input errors) and outside the handler.</remarks>
[PipelineBehavior(Order = 0)]
internal sealed class ConcurrencyRetryBehavior<TMessage, TResult>(ConcurrencyRetry retry) : IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull, IRetryOnConcurrencyConflict
{
    private static readonly string Operation = typeof(TMessage).Name;

    public ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken) =>
        new(retry.RunAsync(Operation, (_, token) => next(message, token).AsTask(), cancellationToken));
}
