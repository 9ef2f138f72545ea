using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace HostFactory.Cqrs;

/// <summary>
/// The names under which the buses report: an <see cref="ActivitySource"/> and a <see cref="Meter"/>, both named
/// <see cref="Name"/>. Subscribe with OpenTelemetry (<c>AddSource("HostFactory.Cqrs")</c>, <c>AddMeter("HostFactory.Cqrs")</c>)
/// or an <see cref="ActivityListener"/> / <see cref="MeterListener"/>.
/// </summary>
public static class CqrsDiagnostics
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "HostFactory.Cqrs";

    /// <summary>The name of the dispatch duration histogram, in seconds.</summary>
    public const string DurationInstrument = "hostfactory.cqrs.dispatch.duration";

    /// <summary>Tag carrying the message type's name.</summary>
    public const string MessageTypeTag = "hostfactory.cqrs.message.type";

    /// <summary>Tag carrying the outcome: <c>success</c> or <c>failure</c>.</summary>
    public const string OutcomeTag = "hostfactory.cqrs.outcome";

    internal static readonly ActivitySource Source = new(Name, typeof(CqrsDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(Name, typeof(CqrsDiagnostics).Assembly.GetName().Version?.ToString());

    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        DurationInstrument, unit: "s", description: "Time taken to dispatch a command or query through its pipeline and handler.");

    /// <summary>True while an activity listener or a meter listener wants the bus's traces or measurements.</summary>
    internal static bool IsListening
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Source.HasListeners() || Duration.Enabled;
    }
}

/// <summary>A built-in behaviour that does nothing unless someone listens; the dispatcher skips it then.</summary>
internal interface IConditionalBehavior
{
    bool IsActive { get; }

    /// <summary>True when tracing or metrics listeners (<see cref="CqrsDiagnostics.IsListening"/>) wake it.</summary>
    bool WokenByDiagnostics { get; }

    /// <summary>The logger whose Debug level wakes it; null when no logger can.</summary>
    ILogger? WokenByLogger { get; }
}

/// <summary>The message type's name, computed once per type for tags and log records.</summary>
internal static class MessageName<TMessage>
{
    public static readonly string Value = typeof(TMessage).Name;
}
