using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace HostFactory.Cqrs;

/// <summary>
/// What wakes the built-in behaviours: tracing or metrics listeners on <see cref="CqrsDiagnostics"/>, and Debug on the
/// bus's log category. Read on every call, so a listener attached or a level changed takes effect from the next one.
/// </summary>
/// <remarks>
/// The dispatch reads the diagnostics part inline and asks the logger, an interface call, out of line (the invokers'
/// <c>InvokeOutOfLineAsync</c>): a call in the middle of the dispatch method makes the JIT keep the dispatch's
/// arguments in callee-saved registers, pushed and popped on every call whether or not the logger is asked.
/// </remarks>
internal readonly struct Listeners(bool watchesDiagnostics, ILogger? logger)
{
    public bool AnyListening
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => DiagnosticsListening || LoggerListening;
    }

    /// <summary>True when a tracing or metrics listener wants the bus's dispatches.</summary>
    public bool DiagnosticsListening
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => watchesDiagnostics && CqrsDiagnostics.IsListening;
    }

    /// <summary>The logger whose Debug level wakes a behaviour; null when none can.</summary>
    public ILogger? Logger => logger;

    private bool LoggerListening => logger is not null && logger.IsEnabled(LogLevel.Debug);
}

/// <summary>
/// A singleton handler's method, bound once, taking the message as the dispatcher holds it (typed <c>object</c>), with
/// what must be quiet for a call to skip the pipeline. Published whole, so a thread that sees it sees its listeners.
/// </summary>
/// <remarks>
/// The bus calls it without a typed layer in between: no virtual call into code generic over the message type, whose
/// interface calls look the generic interface up on every call. A query to a singleton handler measured 4.2–4.9x a
/// direct call this way against 5.9–6.2x through the typed invoker, in the same process (docs/benchmarks.md).
/// </remarks>
internal sealed class DirectRoute<TDelegate>(TDelegate handle, Listeners listeners)
    where TDelegate : Delegate
{
    public TDelegate Handle { get; } = handle;

    public Listeners Listeners { get; } = listeners;

    /// <summary>True when the call can go straight to the handler without asking anything out of line: no logger to ask, no tracing or metrics listener.</summary>
    public bool IsQuiet
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Listeners.Logger is null && !Listeners.DiagnosticsListening;
    }
}

/// <summary>Turns a handler's method, typed by its message, into one that takes the message as <c>object</c>.</summary>
internal static class Untyped
{
    /// <summary>
    /// For a class message the same delegate, reinterpreted: the dispatcher calls it only with a message of exactly
    /// <typeparamref name="TMessage"/> (it found the route by the message's runtime type), and a delegate passes a
    /// reference along whatever its static type. A struct message is unboxed by a wrapper. The reinterpretation stays
    /// because the figures need it: a wrapping closure instead measured 5.0–5.8x a direct call for a query, against
    /// 4.2–4.9x (docs/benchmarks.md).
    /// </summary>
    public static MessageHandlerDelegate<object, TResult> Handler<TMessage, TResult>(MessageHandlerDelegate<TMessage, TResult> handle)
        where TMessage : notnull =>
        typeof(TMessage).IsValueType
            ? (message, cancellationToken) => handle(Exact<TMessage>.Cast(message), cancellationToken)
            : Unsafe.As<MessageHandlerDelegate<object, TResult>>(handle);

    /// <inheritdoc cref="Handler{TMessage, TResult}"/>
    public static Func<object, CancellationToken, ValueTask> Handler<TMessage>(Func<TMessage, CancellationToken, ValueTask> handle)
        where TMessage : notnull =>
        typeof(TMessage).IsValueType
            ? (message, cancellationToken) => handle(Exact<TMessage>.Cast(message), cancellationToken)
            : Unsafe.As<Func<object, CancellationToken, ValueTask>>(handle);
}
