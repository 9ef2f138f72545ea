namespace HostFactory.Cqrs;

/// <summary>A command that changes state and returns nothing. Handled by exactly one <see cref="ICommandHandler{TCommand}"/>.</summary>
public interface ICommand;

/// <summary>A command that changes state and returns a <typeparamref name="TResult"/>. Handled by exactly one <see cref="ICommandHandler{TCommand, TResult}"/>.</summary>
/// <typeparam name="TResult">What the command returns to its caller.</typeparam>
public interface ICommand<TResult>;

/// <summary>A query that reads state without changing it. Handled by exactly one <see cref="IQueryHandler{TQuery, TResult}"/>.</summary>
/// <typeparam name="TResult">What the query returns.</typeparam>
public interface IQuery<TResult>;

/// <summary>Something that happened. Published to every <see cref="IEventHandler{TEvent}"/> of its runtime type; it may have none.</summary>
public interface IEvent;

/// <summary>
/// The result of a command that returns nothing, so that one <see cref="IPipelineBehavior{TMessage, TResult}"/>
/// can wrap commands with and without results alike.
/// </summary>
public readonly record struct Unit
{
    /// <summary>The only value of <see cref="Unit"/>.</summary>
    public static readonly Unit Value;
}
