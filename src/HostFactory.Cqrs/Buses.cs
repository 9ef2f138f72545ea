namespace HostFactory.Cqrs;

/// <summary>Sends commands to their single handler through the pipeline. Handlers come from the scope the bus was resolved from.</summary>
public interface ICommandBus
{
    /// <summary>Executes a command that returns nothing.</summary>
    /// <param name="command">The command; its runtime type selects the handler.</param>
    /// <param name="cancellationToken">Passed to every behaviour and the handler.</param>
    /// <exception cref="HandlerNotFoundException">No handler is registered for the command's type.</exception>
    /// <exception cref="ValidationException">The command implements <see cref="IValidatable"/> and is invalid; the handler did not run.</exception>
    /// <remarks>An exception thrown by the handler reaches the caller unchanged.</remarks>
    ValueTask ExecuteAsync(ICommand command, CancellationToken cancellationToken = default);

    /// <summary>Executes a command and returns its result.</summary>
    /// <typeparam name="TResult">The command's result type.</typeparam>
    /// <param name="command">The command; its runtime type selects the handler.</param>
    /// <param name="cancellationToken">Passed to every behaviour and the handler.</param>
    /// <exception cref="HandlerNotFoundException">No handler is registered for the command's type.</exception>
    /// <exception cref="ValidationException">The command implements <see cref="IValidatable"/> and is invalid; the handler did not run.</exception>
    /// <remarks>An exception thrown by the handler reaches the caller unchanged.</remarks>
    ValueTask<TResult> ExecuteAsync<TResult>(ICommand<TResult> command, CancellationToken cancellationToken = default);
}

/// <summary>Sends queries to their single handler through the pipeline. Handlers come from the scope the bus was resolved from.</summary>
public interface IQueryBus
{
    /// <summary>Executes a query and returns its answer.</summary>
    /// <typeparam name="TResult">The query's result type.</typeparam>
    /// <param name="query">The query; its runtime type selects the handler.</param>
    /// <param name="cancellationToken">Passed to every behaviour and the handler.</param>
    /// <exception cref="HandlerNotFoundException">No handler is registered for the query's type.</exception>
    /// <exception cref="ValidationException">The query implements <see cref="IValidatable"/> and is invalid; the handler did not run.</exception>
    /// <remarks>An exception thrown by the handler reaches the caller unchanged.</remarks>
    ValueTask<TResult> ExecuteAsync<TResult>(IQuery<TResult> query, CancellationToken cancellationToken = default);
}

/// <summary>Publishes events to every handler of the event's runtime type. Handlers come from the scope the bus was resolved from.</summary>
public interface IEventBus
{
    /// <summary>
    /// Runs every handler of <paramref name="event"/>'s runtime type, sequentially or in parallel as configured
    /// (<see cref="CqrsOptions.EventPublishStrategy"/>). A failing handler does not stop the others.
    /// </summary>
    /// <param name="event">The event. With no handler registered this does nothing.</param>
    /// <param name="cancellationToken">Passed to every handler.</param>
    /// <exception cref="EventHandlerException">One or more handlers failed; thrown after all of them ran, carrying every failure.</exception>
    ValueTask PublishAsync(IEvent @event, CancellationToken cancellationToken = default);
}
