using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests.Guide;

// The code samples of docs/cqrs.md, compiled and exercised by CqrsGuideTests. Keep the two in step.

/// <summary>Where this example keeps requests; an application would use its store.</summary>
public sealed class RequestBook
{
    private readonly ConcurrentDictionary<string, int> _machineCounts = new();

    public int Count => _machineCounts.Count;

    public string Add(int machineCount)
    {
        var requestId = $"req-{Guid.NewGuid():N}";
        _machineCounts[requestId] = machineCount;
        return requestId;
    }

    public int? Find(string requestId) => _machineCounts.TryGetValue(requestId, out var count) ? count : null;
}

/// <summary>Collects work and saves it once, after the handler; scoped, one per request.</summary>
public sealed class UnitOfWork
{
    public int Commits { get; private set; }

    public ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        Commits++;
        return ValueTask.CompletedTask;
    }
}

// --- Messages and handlers ---------------------------------------------------------------------------------------

public sealed record RequestMachines(string TemplateId, int MachineCount) : ICommand<string>, IValidatable, ITransactional
{
    public IEnumerable<ValidationError> Validate()
    {
        if (string.IsNullOrWhiteSpace(TemplateId))
        {
            yield return new ValidationError(nameof(TemplateId), "must not be empty");
        }

        if (MachineCount < 1)
        {
            yield return new ValidationError(nameof(MachineCount), "must be at least 1");
        }
    }
}

[CommandHandler]
public sealed class RequestMachinesHandler(RequestBook requests, IEventBus events) : ICommandHandler<RequestMachines, string>
{
    public async ValueTask<string> HandleAsync(RequestMachines command, CancellationToken cancellationToken)
    {
        var requestId = requests.Add(command.MachineCount);
        await events.PublishAsync(new MachinesRequested(requestId, command.MachineCount), cancellationToken);
        return requestId;
    }
}

public sealed record GetRequestStatus(string RequestId) : IQuery<string>;

[QueryHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class GetRequestStatusHandler(RequestBook requests) : IQueryHandler<GetRequestStatus, string>
{
    public ValueTask<string> HandleAsync(GetRequestStatus query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(requests.Find(query.RequestId) is null ? "unknown" : "running");
}

public sealed record MachinesRequested(string RequestId, int MachineCount) : IEvent;

[EventHandler]
public sealed class CountRequestedMachines(MachineTally tally) : IEventHandler<MachinesRequested>
{
    public ValueTask HandleAsync(MachinesRequested @event, CancellationToken cancellationToken)
    {
        tally.Add(@event.MachineCount);
        return ValueTask.CompletedTask;
    }
}

/// <summary>How many machines were requested in all; fed by an event handler.</summary>
public sealed class MachineTally
{
    private int _total;

    public int Total => _total;

    public void Add(int machines) => Interlocked.Add(ref _total, machines);
}

// --- A pipeline behaviour ----------------------------------------------------------------------------------------

/// <summary>Marks the commands whose work is saved by <see cref="UnitOfWorkBehavior{TMessage, TResult}"/>.</summary>
public interface ITransactional;

[PipelineBehavior(Order = 100, Lifetime = ServiceLifetime.Scoped)]
public sealed class UnitOfWorkBehavior<TMessage, TResult>(UnitOfWork unitOfWork) : IPipelineBehavior<TMessage, TResult>
    where TMessage : notnull, ITransactional
{
    public async ValueTask<TResult> HandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResult> next, CancellationToken cancellationToken)
    {
        var result = await next(message, cancellationToken);
        await unitOfWork.CommitAsync(cancellationToken);
        return result;
    }
}
