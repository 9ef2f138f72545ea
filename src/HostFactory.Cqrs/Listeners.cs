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
