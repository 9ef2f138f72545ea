namespace HostFactory.Cqrs.Tests.Fixtures.Duplicates.Command;

public sealed record ContestedCommand : ICommand;

[CommandHandler]
public sealed class FirstContestedCommandHandler : ICommandHandler<ContestedCommand>
{
    public ValueTask HandleAsync(ContestedCommand command, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

[CommandHandler]
public sealed class SecondContestedCommandHandler : ICommandHandler<ContestedCommand>
{
    public ValueTask HandleAsync(ContestedCommand command, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
