using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using Microsoft.Extensions.Logging;

namespace HostFactory.Application.Machines;

/// <summary>
/// The machines providers hold that no request in the store owns (<c>providers orphans</c>): asked of every configured
/// provider, or of <paramref name="ProviderName"/> only. A held machine is owned when a record of it is held by its
/// request or is being returned, and is not terminated; machines of a request still pending are being made and are not
/// orphans yet (a status call recovers the request once its call cannot be running). Nothing is released: an orphan
/// is for the operator to look at, and each says why it is one.
/// </summary>
/// <param name="ProviderName">One provider instance; null for all.</param>
public sealed record ListOrphanMachines(string? ProviderName = null) : IQuery<OrphanMachines>, IValidatable
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        if (ProviderName is not null && string.IsNullOrWhiteSpace(ProviderName))
        {
            yield return new ValidationError(nameof(ProviderName), "must not be blank when given.");
        }
    }
}

/// <summary>What <see cref="ListOrphanMachines"/> found.</summary>
/// <param name="Orphans">The orphans, by provider, in each provider's order.</param>
/// <param name="Providers">What each provider asked said: whether it could list what it holds, and why not.</param>
public sealed record OrphanMachines(IReadOnlyList<OrphanMachine> Orphans, IReadOnlyList<ProviderHoldings> Providers);

/// <summary>A machine a provider holds that no request owns.</summary>
/// <param name="ProviderName">The provider instance holding it.</param>
/// <param name="Key">The key of the provision call that made it (its request id and attempt).</param>
/// <param name="Machine">The machine as the provider reports it.</param>
/// <param name="Reason">Why no request owns it, one sentence.</param>
public sealed record OrphanMachine(string ProviderName, ProvisionKey Key, ProvisionedMachine Machine, string Reason);

/// <summary>How asking one provider for what it holds went.</summary>
/// <param name="ProviderName">The provider instance.</param>
/// <param name="Held">How many machines it holds; null when it could not say.</param>
/// <param name="Problem">Why it could not say (it cannot list, or the call failed); null when it could.</param>
/// <param name="Failed">True when the call failed (rather than the provider saying it cannot list).</param>
public sealed record ProviderHoldings(string ProviderName, int? Held, string? Problem, bool Failed = false);

/// <summary>Answers <see cref="ListOrphanMachines"/> from the providers and the read side.</summary>
[QueryHandler]
internal sealed class ListOrphanMachinesHandler(
    IMachineProviderRegistry providers,
    IRequestReader requests,
    IMachineReader machines,
    ILogger<ListOrphanMachinesHandler> logger)
    : IQueryHandler<ListOrphanMachines, OrphanMachines>
{
    public async ValueTask<OrphanMachines> HandleAsync(ListOrphanMachines query, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> names = providers.ProviderNames;
        if (query.ProviderName is { } one)
        {
            _ = providers.Get(one); // An unknown name is refused with UnknownProviderException, listing the known ones.
            names = [one];
        }

        var orphans = new List<OrphanMachine>();
        var holdings = new List<ProviderHoldings>(names.Count);
        foreach (var name in names)
        {
            var answer = await ProviderCall.TryAsync(providers, name, "list the machines it holds", (provider, token) => provider.ListHeldAsync(null, token), logger, cancellationToken);
            if (answer.Problem is not null || answer.Value is not { IsSupported: true } held)
            {
                holdings.Add(new ProviderHoldings(name, null, answer.Problem ?? answer.Value!.Reason, Failed: answer.Problem is not null));
                continue;
            }

            holdings.Add(new ProviderHoldings(name, held.Machines.Count, null));
            foreach (var group in held.Machines.GroupBy(h => h.Key.RequestId))
            {
                await AddOrphansAsync(name, group.Key, group.ToList(), orphans, cancellationToken);
            }
        }

        return new OrphanMachines(orphans, holdings);
    }

    private async Task AddOrphansAsync(string providerName, RequestId requestId, List<HeldMachine> held, List<OrphanMachine> orphans, CancellationToken cancellationToken)
    {
        var request = await requests.GetAsync(requestId, cancellationToken);
        if (request is { Status: RequestStatus.Pending })
        {
            return;
        }

        var records = request is null ? [] : await machines.ListByRequestAsync(requestId, cancellationToken);
        foreach (var machine in held)
        {
            var record = records.FirstOrDefault(m => m.ProviderName == providerName && m.ProviderMachineId == machine.Machine.ProviderMachineId);
            var reason = (request, record) switch
            {
                (null, _) => $"No request {requestId} is in the store.",
                (_, null) => $"Request {requestId} is {RequestStatusWords.ToWord(request.Status)} and has no record of the machine.",
                (_, { Status: MachineStatus.Terminated }) => $"Recorded as {record.Id}, terminated, yet the provider still holds it.",
                (_, _) when !request.MachineIds.Contains(record.Id) && record.ReturnRequestId is null => $"Recorded as {record.Id}, which request {requestId} does not hold.",
                _ => null,
            };
            if (reason is not null)
            {
                orphans.Add(new OrphanMachine(providerName, machine.Key, machine.Machine, reason));
            }
        }
    }
}
