namespace HostFactory.Cqrs.Tests.Fixtures.Misregistered.AttributeWithoutInterface;

// Marked as a command handler but handles nothing.
[CommandHandler]
public sealed class MarkedButNotAHandler
{
    public ValueTask HandleAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
