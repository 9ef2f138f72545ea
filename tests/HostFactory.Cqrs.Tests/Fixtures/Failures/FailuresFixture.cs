using HostFactory.Cqrs.Tests.Support;

namespace HostFactory.Cqrs.Tests.Fixtures.Failures;

// Handlers that fail, synchronously (before returning a ValueTask) and asynchronously (after an await).

/// <summary>The failure the handlers throw; the caller must receive this very instance.</summary>
public sealed class MachineProviderException(string message) : Exception(message);

public sealed record FailSynchronouslyCommand : ICommand;

public sealed record FailAfterAwaitCommand : ICommand;

public sealed record FailSynchronouslyCommandWithResult : ICommand<int>;

public sealed record FailSynchronouslyQuery : IQuery<int>;

public sealed record FailAfterAwaitQuery : IQuery<int>;

[CommandHandler]
public sealed class FailSynchronouslyCommandHandler(Recorder recorder) : ICommandHandler<FailSynchronouslyCommand>
{
    public ValueTask HandleAsync(FailSynchronouslyCommand command, CancellationToken cancellationToken) =>
        throw recorder.Throwing(new MachineProviderException("provider refused the command"));
}

[CommandHandler]
public sealed class FailAfterAwaitCommandHandler(Recorder recorder) : ICommandHandler<FailAfterAwaitCommand>
{
    public async ValueTask HandleAsync(FailAfterAwaitCommand command, CancellationToken cancellationToken)
    {
        await Task.Yield();
        throw recorder.Throwing(new MachineProviderException("provider failed after a while"));
    }
}

[CommandHandler]
public sealed class FailSynchronouslyCommandWithResultHandler(Recorder recorder) : ICommandHandler<FailSynchronouslyCommandWithResult, int>
{
    public ValueTask<int> HandleAsync(FailSynchronouslyCommandWithResult command, CancellationToken cancellationToken) =>
        throw recorder.Throwing(new MachineProviderException("provider refused the command"));
}

[QueryHandler]
public sealed class FailSynchronouslyQueryHandler(Recorder recorder) : IQueryHandler<FailSynchronouslyQuery, int>
{
    public ValueTask<int> HandleAsync(FailSynchronouslyQuery query, CancellationToken cancellationToken) =>
        throw recorder.Throwing(new MachineProviderException("provider refused the query"));
}

[QueryHandler]
public sealed class FailAfterAwaitQueryHandler(Recorder recorder) : IQueryHandler<FailAfterAwaitQuery, int>
{
    public async ValueTask<int> HandleAsync(FailAfterAwaitQuery query, CancellationToken cancellationToken)
    {
        await Task.Delay(1, cancellationToken);
        throw recorder.Throwing(new MachineProviderException("provider failed after a while"));
    }
}
