namespace HostFactory.Cqrs.Tests.Fixtures.Unhandled;

// Messages nobody handles, next to one that is handled, so ValidateCqrs must pick out exactly the unhandled ones.

public sealed record UnhandledCommand : ICommand;

public sealed record UnhandledCommandWithResult : ICommand<int>;

public sealed record UnhandledQuery : IQuery<string>;

public sealed record HandledCommand : ICommand;

[CommandHandler]
public sealed class HandledCommandHandler : ICommandHandler<HandledCommand>
{
    public ValueTask HandleAsync(HandledCommand command, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

// Commands and queries may be structs; ValidateCqrs must see those too.
public readonly record struct UnhandledStructCommand : ICommand;
