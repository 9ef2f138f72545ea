namespace HostFactory.Cqrs;

/// <summary>Handles a command that returns nothing. Mark the class with <see cref="CommandHandlerAttribute"/>.</summary>
/// <typeparam name="TCommand">The command handled.</typeparam>
public interface ICommandHandler<in TCommand>
    where TCommand : ICommand
{
    /// <summary>Carries out <paramref name="command"/>.</summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">The caller's token, passed through every pipeline behaviour.</param>
    ValueTask HandleAsync(TCommand command, CancellationToken cancellationToken);
}

/// <summary>Handles a command that returns a result. Mark the class with <see cref="CommandHandlerAttribute"/>.</summary>
/// <typeparam name="TCommand">The command handled.</typeparam>
/// <typeparam name="TResult">What the command returns.</typeparam>
public interface ICommandHandler<in TCommand, TResult>
    where TCommand : ICommand<TResult>
{
    /// <summary>Carries out <paramref name="command"/> and returns its result.</summary>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">The caller's token, passed through every pipeline behaviour.</param>
    ValueTask<TResult> HandleAsync(TCommand command, CancellationToken cancellationToken);
}

/// <summary>Answers a query. Mark the class with <see cref="QueryHandlerAttribute"/>.</summary>
/// <typeparam name="TQuery">The query answered.</typeparam>
/// <typeparam name="TResult">The answer.</typeparam>
public interface IQueryHandler<in TQuery, TResult>
    where TQuery : IQuery<TResult>
{
    /// <summary>Answers <paramref name="query"/>.</summary>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">The caller's token, passed through every pipeline behaviour.</param>
    ValueTask<TResult> HandleAsync(TQuery query, CancellationToken cancellationToken);
}

/// <summary>Reacts to an event. Mark the class with <see cref="EventHandlerAttribute"/>; an event may have any number of handlers.</summary>
/// <typeparam name="TEvent">The event's exact runtime type.</typeparam>
public interface IEventHandler<in TEvent>
    where TEvent : IEvent
{
    /// <summary>Reacts to <paramref name="event"/>.</summary>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">The publisher's token.</param>
    ValueTask HandleAsync(TEvent @event, CancellationToken cancellationToken);
}
