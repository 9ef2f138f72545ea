using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HostFactory.Cqrs;

/// <summary>Pipeline positions of the built-in behaviours: tracing outermost, then logging, then validation next to the handler.</summary>
public static class BuiltInBehaviorOrder
{
    /// <summary>One <see cref="Activity"/> and one duration measurement per dispatch.</summary>
    public const int Diagnostics = -30_000;

    /// <summary>One log record per dispatch: message type, outcome, elapsed time.</summary>
    public const int Logging = -20_000;

    /// <summary>Checks <see cref="IValidatable"/> messages before their handler.</summary>
    public const int Validation = -10_000;
}

/// <summary>Traces each dispatch as an <see cref="Activity"/> and records its duration, when anyone listens.</summary>
internal sealed class DiagnosticsBehavior<TMessage, TResult> : IPipelineBehavior<TMessage, TResult>, IConditionalBehavior
    where TMessage : notnull
{
    public bool IsActive => CqrsDiagnostics.IsListening;

    public bool WokenByDiagnostics => true;

    public ILogger? WokenByLogger => null;

    public async ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        if (!IsActive)
        {
            return await next(message, cancellationToken);
        }

        using var activity = CqrsDiagnostics.Source.StartActivity(MessageName<TMessage>.Value);
        activity?.SetTag(CqrsDiagnostics.MessageTypeTag, MessageName<TMessage>.Value);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await next(message, cancellationToken);
            Record(activity, started, "success");
            return result;
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity?.AddException(exception);
            Record(activity, started, "failure");
            throw;
        }
    }

    private static void Record(Activity? activity, long started, string outcome)
    {
        activity?.SetTag(CqrsDiagnostics.OutcomeTag, outcome);
        if (CqrsDiagnostics.Duration.Enabled)
        {
            CqrsDiagnostics.Duration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(CqrsDiagnostics.MessageTypeTag, MessageName<TMessage>.Value),
                new KeyValuePair<string, object?>(CqrsDiagnostics.OutcomeTag, outcome));
        }
    }
}

/// <summary>
/// Logs each dispatch at Debug level (category <c>HostFactory.Cqrs</c>) when that level is enabled, unless
/// <see cref="CqrsOptions.LogDispatches"/> is off.
/// </summary>
internal sealed class LoggingBehavior<TMessage, TResult>(CqrsRegistry registry, ILoggerFactory? loggerFactory = null) : IPipelineBehavior<TMessage, TResult>, IConditionalBehavior
    where TMessage : notnull
{
    // Switched off, the behaviour holds the null logger, as in a container without logging: nothing can wake it, and
    // no dispatch asks a logger.
    private readonly ILogger _logger = registry.Options.LogDispatches
        ? (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(CqrsDiagnostics.Name)
        : NullLogger.Instance;

    public bool IsActive => _logger.IsEnabled(LogLevel.Debug);

    public bool WokenByDiagnostics => false;

    // Without a logger factory the null logger never enables a level: nothing can wake this behaviour.
    public ILogger? WokenByLogger => ReferenceEquals(_logger, NullLogger.Instance) ? null : _logger;

    public async ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        if (!IsActive)
        {
            return await next(message, cancellationToken);
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await next(message, cancellationToken);
            Log.Dispatched(_logger, MessageName<TMessage>.Value, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (Exception exception)
        {
            Log.DispatchFailed(_logger, MessageName<TMessage>.Value, exception.GetType().Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }
}

/// <summary>Checks an <see cref="IValidatable"/> message and refuses it, with every error, before the handler runs.</summary>
internal sealed class ValidationBehavior<TMessage, TResult> : IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull, IValidatable
{
    public ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        var errors = message.Validate().ToArray();
        return errors.Length == 0 ? next(message, cancellationToken) : throw new ValidationException(typeof(TMessage), errors);
    }
}

/// <summary>Source-generated log records of the bus.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Dispatched {MessageType}: success in {ElapsedMilliseconds} ms")]
    public static partial void Dispatched(ILogger logger, string messageType, double elapsedMilliseconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Dispatched {MessageType}: failure ({ExceptionType}) in {ElapsedMilliseconds} ms")]
    public static partial void DispatchFailed(ILogger logger, string messageType, string exceptionType, double elapsedMilliseconds);
}
