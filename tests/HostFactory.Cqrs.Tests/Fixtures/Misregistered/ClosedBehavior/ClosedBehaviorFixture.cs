namespace HostFactory.Cqrs.Tests.Fixtures.Misregistered.ClosedBehavior;

public sealed record SomeCommand : ICommand;

// A behaviour closed over one message: behaviours must be open generic, Name<TMessage, TResult>.
[PipelineBehavior]
public sealed class ClosedBehavior : IPipelineBehavior<SomeCommand, Unit>
{
    public ValueTask<Unit> HandleAsync(SomeCommand message, MessageHandlerDelegate<SomeCommand, Unit> next, CancellationToken cancellationToken) =>
        next(message, cancellationToken);
}
