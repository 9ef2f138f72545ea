using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests.Fixtures.Remembered;

// Messages of several kinds for one bus to take turns with: a bus remembers the first invoker it used that calls a
// singleton handler directly, and every other message must still reach its own handler.
public sealed record NameQuery(string Text) : IQuery<string>;

public sealed record LengthQuery(string Text) : IQuery<int>;

public sealed record ScopedEchoQuery(string Text) : IQuery<string>;

public readonly record struct HalfQuery(int Value) : IQuery<int>;

/// <summary>A command with a handler that returns nothing and one that returns a result.</summary>
public sealed record MarkCommand(string Text) : ICommand, ICommand<int>;

[QueryHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class NameQueryHandler : IQueryHandler<NameQuery, string>
{
    public ValueTask<string> HandleAsync(NameQuery query, CancellationToken cancellationToken) => ValueTask.FromResult($"name:{query.Text}");
}

[QueryHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class LengthQueryHandler : IQueryHandler<LengthQuery, int>
{
    public ValueTask<int> HandleAsync(LengthQuery query, CancellationToken cancellationToken) => ValueTask.FromResult(query.Text.Length);
}

[QueryHandler]
public sealed class ScopedEchoQueryHandler : IQueryHandler<ScopedEchoQuery, string>
{
    public ValueTask<string> HandleAsync(ScopedEchoQuery query, CancellationToken cancellationToken) => ValueTask.FromResult($"scoped:{query.Text}");
}

[QueryHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class HalfQueryHandler : IQueryHandler<HalfQuery, int>
{
    public ValueTask<int> HandleAsync(HalfQuery query, CancellationToken cancellationToken) => ValueTask.FromResult(query.Value / 2);
}

[CommandHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class MarkCommandHandler(Recorder recorder) : ICommandHandler<MarkCommand>
{
    public ValueTask HandleAsync(MarkCommand command, CancellationToken cancellationToken)
    {
        recorder.Add($"mark:{command.Text}");
        return ValueTask.CompletedTask;
    }
}

[CommandHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class CountedMarkCommandHandler(Recorder recorder) : ICommandHandler<MarkCommand, int>
{
    public ValueTask<int> HandleAsync(MarkCommand command, CancellationToken cancellationToken)
    {
        recorder.Add($"counted:{command.Text}");
        return ValueTask.FromResult(command.Text.Length);
    }
}
