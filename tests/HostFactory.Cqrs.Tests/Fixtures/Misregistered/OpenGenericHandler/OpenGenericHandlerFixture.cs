namespace HostFactory.Cqrs.Tests.Fixtures.Misregistered.OpenGenericHandler;

// One class for every command: the bus wants one closed handler per message type.
[CommandHandler]
public sealed class CatchAllCommandHandler<TCommand> : ICommandHandler<TCommand>
    where TCommand : ICommand
{
    public ValueTask HandleAsync(TCommand command, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
