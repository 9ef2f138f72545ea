using HostFactory.Cqrs.Tests.Support;

namespace HostFactory.Cqrs.Tests.Fixtures.Dispatch;

// A correct setup: every message has exactly one handler, each handler records that it ran.

public sealed record RecordCommand(string Text) : ICommand;

public sealed record DoubleCommand(int Value) : ICommand<int>;

public sealed record EchoQuery(string Text) : IQuery<string>;

public sealed record Pinged(string Text) : IEvent;

[CommandHandler]
public sealed class RecordCommandHandler(Recorder recorder) : ICommandHandler<RecordCommand>
{
    public ValueTask HandleAsync(RecordCommand command, CancellationToken cancellationToken)
    {
        recorder.Add($"command:{command.Text}");
        return ValueTask.CompletedTask;
    }
}

[CommandHandler]
public sealed class DoubleCommandHandler(Recorder recorder) : ICommandHandler<DoubleCommand, int>
{
    public async ValueTask<int> HandleAsync(DoubleCommand command, CancellationToken cancellationToken)
    {
        await Task.Yield();
        recorder.Add($"double:{command.Value}");
        return command.Value * 2;
    }
}

[QueryHandler]
public sealed class EchoQueryHandler(Recorder recorder) : IQueryHandler<EchoQuery, string>
{
    public ValueTask<string> HandleAsync(EchoQuery query, CancellationToken cancellationToken)
    {
        recorder.Add($"echo:{query.Text}");
        return ValueTask.FromResult(query.Text);
    }
}

[EventHandler]
public sealed class PingedHandler(Recorder recorder) : IEventHandler<Pinged>
{
    public ValueTask HandleAsync(Pinged @event, CancellationToken cancellationToken)
    {
        recorder.Add($"pinged:{@event.Text}");
        return ValueTask.CompletedTask;
    }
}

/// <summary>A command may be a struct; it is dispatched like any other.</summary>
public readonly record struct TallyCommand(int Value) : ICommand;

[CommandHandler]
public sealed class TallyCommandHandler(Recorder recorder) : ICommandHandler<TallyCommand>
{
    public ValueTask HandleAsync(TallyCommand command, CancellationToken cancellationToken)
    {
        recorder.Add($"tally:{command.Value}");
        return ValueTask.CompletedTask;
    }
}

/// <summary>A struct command whose handler is a singleton: after the first dispatch it is called directly.</summary>
public readonly record struct CountCommand(int Value) : ICommand;

/// <summary>A struct query whose handler is a singleton.</summary>
public readonly record struct SquareQuery(int Value) : IQuery<int>;

[CommandHandler(Lifetime = Microsoft.Extensions.DependencyInjection.ServiceLifetime.Singleton)]
public sealed class CountCommandHandler(Recorder recorder) : ICommandHandler<CountCommand>
{
    public ValueTask HandleAsync(CountCommand command, CancellationToken cancellationToken)
    {
        recorder.Add($"count:{command.Value}");
        return ValueTask.CompletedTask;
    }
}

[QueryHandler(Lifetime = Microsoft.Extensions.DependencyInjection.ServiceLifetime.Singleton)]
public sealed class SquareQueryHandler : IQueryHandler<SquareQuery, int>
{
    public ValueTask<int> HandleAsync(SquareQuery query, CancellationToken cancellationToken) => ValueTask.FromResult(query.Value * query.Value);
}
