using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs;

/// <summary>Common base of the handler registration attributes.</summary>
public abstract class HandlerAttribute : Attribute
{
    /// <summary>How long one handler instance lives. Scoped by default: a new instance for each caller's scope.</summary>
    public ServiceLifetime Lifetime { get; init; } = ServiceLifetime.Scoped;
}

/// <summary>Registers the class as the handler of the command(s) whose <see cref="ICommandHandler{TCommand}"/> or <see cref="ICommandHandler{TCommand, TResult}"/> it implements.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CommandHandlerAttribute : HandlerAttribute;

/// <summary>Registers the class as the handler of the query (or queries) whose <see cref="IQueryHandler{TQuery, TResult}"/> it implements.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class QueryHandlerAttribute : HandlerAttribute;

/// <summary>Registers the class as a handler of the event(s) whose <see cref="IEventHandler{TEvent}"/> it implements.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class EventHandlerAttribute : HandlerAttribute;

/// <summary>
/// Registers an open generic <see cref="IPipelineBehavior{TMessage, TResult}"/> that wraps every command and query
/// handler whose message satisfies the behaviour's generic constraints.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PipelineBehaviorAttribute : Attribute
{
    /// <summary>Position in the pipeline: lower runs first (outermost). The built-in behaviours use negative orders; 0 is the default.</summary>
    public int Order { get; init; }

    /// <summary>How long one behaviour instance lives. Singleton by default, so a pipeline of singletons is built once and costs no allocation per call.</summary>
    public ServiceLifetime Lifetime { get; init; } = ServiceLifetime.Singleton;
}
