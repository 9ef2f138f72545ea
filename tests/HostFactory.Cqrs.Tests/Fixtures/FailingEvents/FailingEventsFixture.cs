using HostFactory.Cqrs.Tests.Support;

namespace HostFactory.Cqrs.Tests.Fixtures.FailingEvents;

public sealed record QuotaExceeded(string TemplateId) : IEvent;

public sealed class NotificationFailedException(string message) : Exception(message);

[EventHandler]
public sealed class FailingSynchronouslyHandler(Recorder recorder) : IEventHandler<QuotaExceeded>
{
    public ValueTask HandleAsync(QuotaExceeded @event, CancellationToken cancellationToken)
    {
        recorder.Add("sync-failure ran");
        throw recorder.Throwing(new NotificationFailedException("mail server down"));
    }
}

[EventHandler]
public sealed class SucceedingHandler(Recorder recorder) : IEventHandler<QuotaExceeded>
{
    public async ValueTask HandleAsync(QuotaExceeded @event, CancellationToken cancellationToken)
    {
        await Task.Yield();
        recorder.Add("success ran");
    }
}

[EventHandler]
public sealed class FailingAfterAwaitHandler(Recorder recorder) : IEventHandler<QuotaExceeded>
{
    public async ValueTask HandleAsync(QuotaExceeded @event, CancellationToken cancellationToken)
    {
        await Task.Yield();
        recorder.Add("async-failure ran");
        throw recorder.Throwing(new InvalidOperationException("pager unreachable"));
    }
}
