namespace HostFactory.Cqrs.Tests.Fixtures.Duplicates.CommandWithResult;

public sealed record ContestedCommandWithResult : ICommand<int>;

[CommandHandler]
public sealed class FirstContestedCommandWithResultHandler : ICommandHandler<ContestedCommandWithResult, int>
{
    public ValueTask<int> HandleAsync(ContestedCommandWithResult command, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}

[CommandHandler]
public sealed class SecondContestedCommandWithResultHandler : ICommandHandler<ContestedCommandWithResult, int>
{
    public ValueTask<int> HandleAsync(ContestedCommandWithResult command, CancellationToken cancellationToken) => ValueTask.FromResult(2);
}
