using System.Reflection;

namespace HostFactory.Cqrs;

/// <summary>A command or query was dispatched for which no handler is registered.</summary>
public sealed class HandlerNotFoundException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="messageType"/>.</summary>
    /// <param name="messageType">The message's runtime type.</param>
    /// <param name="scannedAssemblies">The assemblies <c>AddCqrs</c> scanned, named in the message to show where the handler was looked for.</param>
    public HandlerNotFoundException(Type messageType, IReadOnlyList<Assembly> scannedAssemblies)
        : base(BuildMessage(messageType, scannedAssemblies))
    {
        MessageType = messageType;
        ScannedAssemblies = scannedAssemblies;
    }

    /// <summary>The message type that has no handler.</summary>
    public Type MessageType { get; }

    /// <summary>The assemblies that were scanned for handlers.</summary>
    public IReadOnlyList<Assembly> ScannedAssemblies { get; }

    private static string BuildMessage(Type messageType, IReadOnlyList<Assembly> assemblies)
    {
        var scanned = assemblies.Count == 0 ? "no assemblies" : string.Join(", ", assemblies.Select(a => a.GetName().Name));
        return $"No handler is registered for {TypeNames.Describe(messageType)}. Scanned: {scanned}. "
            + "Add a class implementing its handler interface, marked with [CommandHandler] or [QueryHandler], to one of the scanned assemblies, or pass its assembly to AddCqrs.";
    }
}

/// <summary>Two handlers were found for one command or query; which one should run is ambiguous, so registration fails.</summary>
public sealed class DuplicateHandlerException : InvalidOperationException
{
    /// <summary>Creates the exception naming both handlers.</summary>
    /// <param name="messageType">The command or query type.</param>
    /// <param name="firstHandler">The handler registered first.</param>
    /// <param name="secondHandler">The handler that would also handle it.</param>
    public DuplicateHandlerException(Type messageType, Type firstHandler, Type secondHandler)
        : base($"{TypeNames.Describe(messageType)} has two handlers: {TypeNames.Describe(firstHandler)} and {TypeNames.Describe(secondHandler)}. "
            + "A command or query must have exactly one; remove one of them or exclude it from scanning with CqrsOptions.TypeFilter.")
    {
        MessageType = messageType;
        FirstHandler = firstHandler;
        SecondHandler = secondHandler;
    }

    /// <summary>The command or query type.</summary>
    public Type MessageType { get; }

    /// <summary>The handler registered first.</summary>
    public Type FirstHandler { get; }

    /// <summary>The second handler found for the same message.</summary>
    public Type SecondHandler { get; }
}

/// <summary>
/// A scanned class is registered wrongly: an attribute on a class that implements no matching interface, a handler
/// interface without its attribute, an open generic handler, one class with two different handler lifetimes, or a
/// behaviour that is not an open generic <see cref="IPipelineBehavior{TMessage, TResult}"/> marked
/// <see cref="PipelineBehaviorAttribute"/>. (Abstract classes are not scanned, so they are never refused.)
/// </summary>
public sealed class HandlerRegistrationException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="type">The class at fault.</param>
    /// <param name="message">What is wrong with it and how to fix it.</param>
    public HandlerRegistrationException(Type type, string message)
        : base(message) => Type = type;

    /// <summary>The class at fault.</summary>
    public Type Type { get; }
}

/// <summary>Thrown by <c>ValidateCqrs</c>: message types in the scanned assemblies have no handler.</summary>
public sealed class MissingHandlersException : InvalidOperationException
{
    /// <summary>Creates the exception listing every message type without a handler.</summary>
    /// <param name="messageTypes">The commands and queries that have no handler.</param>
    public MissingHandlersException(IReadOnlyList<Type> messageTypes)
        : base($"{messageTypes.Count} message type(s) in the scanned assemblies have no handler: "
            + string.Join(", ", messageTypes.Select(TypeNames.Describe)) + ".")
        => MessageTypes = messageTypes;

    /// <summary>The commands and queries that have no handler.</summary>
    public IReadOnlyList<Type> MessageTypes { get; }
}

/// <summary>A message implementing <see cref="IValidatable"/> was invalid; its handler did not run.</summary>
public sealed class ValidationException : ArgumentException
{
    /// <summary>Creates the exception listing every error.</summary>
    /// <param name="messageType">The invalid message's type.</param>
    /// <param name="errors">Every problem found; at least one.</param>
    public ValidationException(Type messageType, IReadOnlyList<ValidationError> errors)
        : base($"{messageType.Name} is invalid: {string.Join("; ", errors.Select(e => e.ToString().TrimEnd('.')))}.")
    {
        MessageType = messageType;
        Errors = errors;
    }

    /// <summary>The invalid message's type.</summary>
    public Type MessageType { get; }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }
}

/// <summary>One or more event handlers failed. Every handler ran; <see cref="AggregateException.InnerExceptions"/> holds each failure unchanged.</summary>
public sealed class EventHandlerException : AggregateException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="eventType">The event's runtime type.</param>
    /// <param name="failures">Each failing handler with its exception.</param>
    public EventHandlerException(Type eventType, IReadOnlyList<(Type Handler, Exception Error)> failures)
        : base(
            $"{failures.Count} handler(s) of {eventType.Name} failed: "
                + string.Join("; ", failures.Select(f => $"{f.Handler.Name}: {f.Error.Message}")),
            failures.Select(f => f.Error))
    {
        EventType = eventType;
        FailedHandlers = failures.Select(f => f.Handler).ToArray();
    }

    /// <summary>The event's runtime type.</summary>
    public Type EventType { get; }

    /// <summary>The handler types that failed, in the order of <see cref="AggregateException.InnerExceptions"/>.</summary>
    public IReadOnlyList<Type> FailedHandlers { get; }
}
