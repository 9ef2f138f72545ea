using HostFactory.Application.Diagnostics;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;

namespace HostFactory.Application.Common;

/// <summary>
/// Saves requests and machines for handlers that must not re-run as a whole (they call a provider): a change that
/// meets a concurrency conflict is re-applied to a freshly loaded copy of just that aggregate and saved again. Every
/// successful save publishes the aggregate's events.
/// </summary>
internal sealed class AggregateWriter(
    IRequestStore requests,
    IMachineStore machines,
    DomainEventPublisher events,
    ConcurrencyRetry retry)
{
    /// <summary>Saves a new request (version 0) and publishes its events. A conflict means the id exists: not retried.</summary>
    public async Task InsertAsync(Request request, CancellationToken cancellationToken)
    {
        ProvisioningMetrics.TagRequest(request.Id);
        await requests.SaveAsync(request, cancellationToken);

        await events.PublishAsync(request, cancellationToken);
    }

    /// <summary>Saves new machines all or nothing and publishes their events.</summary>
    public async Task InsertAsync(IReadOnlyList<Machine> newMachines, CancellationToken cancellationToken)
    {
        if (newMachines.Count == 0)
        {
            return;
        }

        await machines.SaveManyAsync(newMachines, cancellationToken);
        foreach (var machine in newMachines)
        {
            await events.PublishAsync(machine, cancellationToken);
        }
    }

    /// <summary>
    /// Applies <paramref name="apply"/> to <paramref name="request"/> and saves it; on a conflict reloads it and applies
    /// again. <paramref name="apply"/> returns false when there is nothing to change (nothing is saved then) and must
    /// check the state it finds, since a reloaded copy may have moved on.
    /// </summary>
    /// <returns>The request as saved (or as found), or null when it no longer exists. Use it instead of the argument.</returns>
    public Task<Request?> UpdateAsync(Request request, Func<Request, bool> apply, CancellationToken cancellationToken) =>
        UpdateAsync<Request, RequestId>(request, token => requests.FindAsync(request.Id, token), requests.SaveAsync, apply, cancellationToken);

    /// <summary>Like the request overload, for a machine.</summary>
    public Task<Machine?> UpdateAsync(Machine machine, Func<Machine, bool> apply, CancellationToken cancellationToken) =>
        UpdateAsync<Machine, MachineId>(machine, token => machines.FindAsync(machine.Id, token), machines.SaveAsync, apply, cancellationToken);

    private async Task<T?> UpdateAsync<T, TId>(
        T loaded,
        Func<CancellationToken, Task<T?>> reload,
        Func<T, CancellationToken, Task> save,
        Func<T, bool> apply,
        CancellationToken cancellationToken)
        where T : AggregateRoot<TId>
        where TId : notnull
    {
        var operation = $"updating {typeof(T).Name.ToLowerInvariant()} '{loaded.Id}'";
        return await retry.RunAsync<T?>(operation, async (attempt, token) =>
        {
            // The first attempt uses the copy the caller holds; after a conflict that copy is stale (and may carry
            // events of a change that was never saved), so every later attempt starts from the store.
            var aggregate = attempt == 1 ? loaded : await reload(token);
            if (aggregate is null)
            {
                return null;
            }

            if (!apply(aggregate))
            {
                return aggregate;
            }

            await save(aggregate, token);
            await events.PublishAsync(aggregate, token);
            return aggregate;
        }, cancellationToken);
    }
}
