using HostFactory.Cqrs.Tests.Support;

namespace HostFactory.Cqrs.Tests.Fixtures.Behaviors.Added;

// No [PipelineBehavior]: only CqrsOptions.AddBehavior brings it in. Its own namespace keeps it out of the scan.
public sealed class AddedBehavior<TMessage, TResult>(Recorder recorder) : IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull
{
    public async ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        recorder.Add("added>");
        var result = await next(message, cancellationToken);
        recorder.Add("<added");
        return result;
    }
}
