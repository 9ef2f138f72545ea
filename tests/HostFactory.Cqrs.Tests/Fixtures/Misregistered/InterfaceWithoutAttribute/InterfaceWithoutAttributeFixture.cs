namespace HostFactory.Cqrs.Tests.Fixtures.Misregistered.InterfaceWithoutAttribute;

public sealed record ForgottenCommand : ICommand;

// Implements the handler interface but forgot [CommandHandler].
public sealed class UnmarkedCommandHandler : ICommandHandler<ForgottenCommand>
{
    public ValueTask HandleAsync(ForgottenCommand command, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
