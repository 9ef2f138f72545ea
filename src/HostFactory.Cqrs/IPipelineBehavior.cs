namespace HostFactory.Cqrs;

/// <summary>The rest of the pipeline after a behaviour: the next behaviour, or the handler itself.</summary>
/// <typeparam name="TMessage">The command or query type.</typeparam>
/// <typeparam name="TResult">The result type; <see cref="Unit"/> for commands without a result.</typeparam>
/// <param name="message">The message to pass on (usually the one received).</param>
/// <param name="cancellationToken">The token to pass on.</param>
public delegate ValueTask<TResult> MessageHandlerDelegate<in TMessage, TResult>(TMessage message, CancellationToken cancellationToken)
    where TMessage : notnull;

/// <summary>
/// Wraps command and query handlers: logging, validation, tracing, retries. Implement it as an open generic class
/// marked with <see cref="PipelineBehaviorAttribute"/>; generic constraints on <typeparamref name="TMessage"/> limit
/// which messages it wraps (for example <c>where TMessage : IValidatable</c>).
/// </summary>
/// <typeparam name="TMessage">The command or query type.</typeparam>
/// <typeparam name="TResult">The result type; <see cref="Unit"/> for commands without a result.</typeparam>
public interface IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull
{
    /// <summary>Does the behaviour's work around <paramref name="next"/>. Exceptions from <paramref name="next"/> should propagate unchanged.</summary>
    /// <param name="message">The message being dispatched.</param>
    /// <param name="next">Calls the rest of the pipeline.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken);
}
