using HostFactory.Application.Diagnostics;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Requests;
using Microsoft.Extensions.Logging;

namespace HostFactory.Application.Common;

/// <summary>Publishes the events an aggregate raised, once it has been saved. The one place handlers publish from.</summary>
internal sealed class DomainEventPublisher(IEventBus eventBus, ILogger<DomainEventPublisher> logger)
{
    /// <summary>Dequeues the aggregate's events and publishes each, oldest first. Call only after a successful save.</summary>
    /// <remarks>
    /// A failing event handler is logged, not thrown: the change is already saved, and failing the operation now would
    /// tell the caller it did not happen (and invite a retry that would do it twice).
    /// </remarks>
    public async Task PublishAsync<TId>(AggregateRoot<TId> aggregate, CancellationToken cancellationToken)
        where TId : notnull
    {
        foreach (var domainEvent in aggregate.DequeueEvents())
        {
            if (domainEvent is RequestCompleted && aggregate is Request request)
            {
                ProvisioningMetrics.RequestFinished(request);
            }

            try
            {
                await eventBus.PublishAsync(DomainEventNotifications.Wrap(domainEvent), cancellationToken);
            }
            catch (EventHandlerException exception)
            {
                Log.EventHandlersFailed(logger, exception, domainEvent.GetType().Name);
            }
        }
    }
}
