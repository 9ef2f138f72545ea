using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests.Fixtures.Misregistered.ConflictingLifetimes;

public sealed record ArchiveRequest : ICommand;

public sealed record RequestArchived : IEvent;

// One class is one registration: it cannot be a singleton as a command handler and transient as an event handler.
[CommandHandler(Lifetime = ServiceLifetime.Singleton)]
[EventHandler(Lifetime = ServiceLifetime.Transient)]
public sealed class TwoLifetimesHandler : ICommandHandler<ArchiveRequest>, IEventHandler<RequestArchived>
{
    public ValueTask HandleAsync(ArchiveRequest command, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask HandleAsync(RequestArchived @event, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
