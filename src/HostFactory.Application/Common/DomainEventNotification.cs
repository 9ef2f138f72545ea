using System.Collections.Concurrent;
using System.Reflection;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;

namespace HostFactory.Application.Common;

/// <summary>
/// A domain event on the event bus. The domain knows nothing of the bus, so its events are wrapped: handle
/// <c>IEventHandler&lt;DomainEventNotification&lt;RequestCompleted&gt;&gt;</c> to react to <c>RequestCompleted</c>.
/// Published only after the aggregate that raised the event was saved.
/// </summary>
/// <typeparam name="TDomainEvent">The domain event's exact type.</typeparam>
/// <param name="Event">The domain event.</param>
public sealed record DomainEventNotification<TDomainEvent>(TDomainEvent Event) : IEvent
    where TDomainEvent : IDomainEvent;

/// <summary>Wraps domain events in <see cref="DomainEventNotification{TDomainEvent}"/> of their runtime type.</summary>
internal static class DomainEventNotifications
{
    private static readonly ConcurrentDictionary<Type, Func<IDomainEvent, IEvent>> Factories = new();

    private static readonly MethodInfo WrapMethod =
        typeof(DomainEventNotifications).GetMethod(nameof(WrapAs), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>The notification for <paramref name="domainEvent"/>; reflects once per event type, then calls a cached delegate.</summary>
    public static IEvent Wrap(IDomainEvent domainEvent) =>
        Factories.GetOrAdd(domainEvent.GetType(), CreateFactory)(domainEvent);

    private static Func<IDomainEvent, IEvent> CreateFactory(Type eventType) =>
        WrapMethod.MakeGenericMethod(eventType).CreateDelegate<Func<IDomainEvent, IEvent>>();

    private static IEvent WrapAs<TDomainEvent>(IDomainEvent domainEvent)
        where TDomainEvent : IDomainEvent =>
        new DomainEventNotification<TDomainEvent>((TDomainEvent)domainEvent);
}
