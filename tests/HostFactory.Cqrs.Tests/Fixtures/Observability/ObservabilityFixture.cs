namespace HostFactory.Cqrs.Tests.Fixtures.Observability;

// Activities and measurements are process-wide: each test dispatches message types no other test uses and filters on them.

public sealed class ObservedFailureException(string message) : Exception(message);

public sealed record LoggedCommand : ICommand;

public sealed record FailingLoggedQuery : IQuery<int>;

public sealed record TracedCommand : ICommand;

public sealed record FailingTracedQuery : IQuery<int>;

public sealed record MeteredCommandWithResult : ICommand<int>;

public sealed record FailingMeteredQuery : IQuery<int>;

[CommandHandler]
public sealed class LoggedCommandHandler : ICommandHandler<LoggedCommand>
{
    public ValueTask HandleAsync(LoggedCommand command, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

[QueryHandler]
public sealed class FailingLoggedQueryHandler : IQueryHandler<FailingLoggedQuery, int>
{
    public ValueTask<int> HandleAsync(FailingLoggedQuery query, CancellationToken cancellationToken) =>
        throw new ObservedFailureException("logged failure");
}

[CommandHandler]
public sealed class TracedCommandHandler : ICommandHandler<TracedCommand>
{
    public async ValueTask HandleAsync(TracedCommand command, CancellationToken cancellationToken) => await Task.Yield();
}

[QueryHandler]
public sealed class FailingTracedQueryHandler : IQueryHandler<FailingTracedQuery, int>
{
    public async ValueTask<int> HandleAsync(FailingTracedQuery query, CancellationToken cancellationToken)
    {
        await Task.Yield();
        throw new ObservedFailureException("traced failure");
    }
}

[CommandHandler]
public sealed class MeteredCommandWithResultHandler : ICommandHandler<MeteredCommandWithResult, int>
{
    public ValueTask<int> HandleAsync(MeteredCommandWithResult command, CancellationToken cancellationToken) => ValueTask.FromResult(7);
}

[QueryHandler]
public sealed class FailingMeteredQueryHandler : IQueryHandler<FailingMeteredQuery, int>
{
    public ValueTask<int> HandleAsync(FailingMeteredQuery query, CancellationToken cancellationToken) =>
        throw new ObservedFailureException("metered failure");
}

/// <summary>Answered by a singleton handler, which the bus calls directly while nobody listens.</summary>
public sealed record TracedSingletonQuery(int Value) : IQuery<int>;

/// <summary>A struct command with a singleton handler, called directly while nobody listens.</summary>
public readonly record struct LoggedSingletonCommand(int Value) : ICommand;

/// <summary>Measured; its singleton handler is called directly while nobody listens.</summary>
public sealed record MeteredSingletonCommand : ICommand<int>;

[QueryHandler(Lifetime = Microsoft.Extensions.DependencyInjection.ServiceLifetime.Singleton)]
public sealed class TracedSingletonQueryHandler : IQueryHandler<TracedSingletonQuery, int>
{
    public ValueTask<int> HandleAsync(TracedSingletonQuery query, CancellationToken cancellationToken) => ValueTask.FromResult(query.Value);
}

[CommandHandler(Lifetime = Microsoft.Extensions.DependencyInjection.ServiceLifetime.Singleton)]
public sealed class LoggedSingletonCommandHandler : ICommandHandler<LoggedSingletonCommand>
{
    public ValueTask HandleAsync(LoggedSingletonCommand command, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

[CommandHandler(Lifetime = Microsoft.Extensions.DependencyInjection.ServiceLifetime.Singleton)]
public sealed class MeteredSingletonCommandHandler : ICommandHandler<MeteredSingletonCommand, int>
{
    public ValueTask<int> HandleAsync(MeteredSingletonCommand command, CancellationToken cancellationToken) => ValueTask.FromResult(11);
}
