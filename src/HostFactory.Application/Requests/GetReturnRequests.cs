using HostFactory.Application.Common;
using HostFactory.Application.Requests.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using Microsoft.Extensions.Logging;

namespace HostFactory.Application.Requests;

/// <summary>
/// Which machines Host Factory should give back because the provider is taking them (<c>getReturnRequests</c>): of the
/// machines named, those the provider reports reclaimed or lost (<c>ListReclaimedAsync</c>), plus those we already know
/// ended outside a return (terminated or failed). Read-only. Machines already being returned are left out.
/// </summary>
/// <remarks>
/// With no machines named, every active machine we hold that is not being returned is asked about; machines that
/// already ended are then left out, because Host Factory does not hold them and would be told about them on every poll
/// (a terminated machine can never be claimed by a return, so nothing would ever stop the reports). Named machines we
/// have no record of are listed in <see cref="ReturnRequestsResult.Unknown"/>, not reported as gone: we cannot tell.
/// </remarks>
/// <param name="Machines">The machines Host Factory holds (name, and machine id when it has one); null or empty for all. At most 10000.</param>
public sealed record GetReturnRequests(IReadOnlyList<MachineReference>? Machines = null) : IQuery<ReturnRequestsResult>, IValidatable
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        var errors = InputRules.List(nameof(Machines), Machines, InputRules.MaxMachinesPerCall, required: false).ToList();
        return errors.Count > 0 || Machines is null ? errors : MachineReference.Validate(nameof(Machines), Machines);
    }
}

/// <summary>The answer of <see cref="GetReturnRequests"/>.</summary>
/// <param name="Machines">The machines to give back.</param>
/// <param name="Unknown">Named machines we have no record of.</param>
/// <param name="Problems">Providers that could not be asked, one sentence each.</param>
public sealed record ReturnRequestsResult(IReadOnlyList<MachineToReturn> Machines, IReadOnlyList<string> Unknown, IReadOnlyList<string> Problems);

/// <summary>A machine Host Factory should give back.</summary>
/// <param name="HostName">The host name (the protocol's <c>machine</c>).</param>
/// <param name="GracePeriodSeconds">Seconds before the provider takes it; 0 when it is already gone.</param>
/// <param name="MachineId">Our id of it.</param>
/// <param name="Reason">Why it must go.</param>
public sealed record MachineToReturn(string HostName, int GracePeriodSeconds, MachineId MachineId, string Reason);

/// <summary>
/// Answers <see cref="GetReturnRequests"/>. Besides the machine reader it needs the provider registry: whether a
/// provider is reclaiming a machine is known only to the provider.
/// </summary>
[QueryHandler]
internal sealed class GetReturnRequestsHandler(IMachineReader machines, IMachineProviderRegistry providers, ILogger<GetReturnRequestsHandler> logger)
    : IQueryHandler<GetReturnRequests, ReturnRequestsResult>
{
    public async ValueTask<ReturnRequestsResult> HandleAsync(GetReturnRequests query, CancellationToken cancellationToken)
    {
        IReadOnlyList<MachineSnapshot> held;
        IReadOnlyList<string> unknown = [];
        if (query.Machines is { Count: > 0 } named)
        {
            var lookup = await MachineLocator.ResolveAsync(machines, named, cancellationToken);
            held = lookup.Found;
            unknown = lookup.Unknown;
        }
        else
        {
            held = (await MachineLocator.ListAllAsync(machines, cancellationToken)).Where(m => m.Status.IsActive).ToList();
        }

        var notReturning = held.Where(m => m.ReturnRequestId is null).ToList();
        var answer = notReturning
            .Where(m => !m.Status.IsActive)
            .Select(m => new MachineToReturn(m.HostName, 0, m.Id, Ended(m)))
            .ToList();
        var problems = new List<string>();
        foreach (var group in notReturning.Where(m => m.Status.IsActive).GroupBy(m => m.ProviderName, StringComparer.Ordinal))
        {
            var reclaimed = await ListReclaimedAsync(group.Key, group.ToList(), problems, cancellationToken);
            foreach (var machine in group)
            {
                if (reclaimed.TryGetValue(machine.ProviderMachineId, out var taken))
                {
                    var hostName = machine.HostName.Length > 0 ? machine.HostName : taken.HostName;
                    var reason = taken.GracePeriodSeconds > 0
                        ? $"Provider '{group.Key}' will reclaim the machine in {taken.GracePeriodSeconds} s."
                        : $"Provider '{group.Key}' has reclaimed or lost the machine.";
                    answer.Add(new MachineToReturn(hostName, Math.Max(0, taken.GracePeriodSeconds), machine.Id, reason));
                }
            }
        }

        return new ReturnRequestsResult(answer, unknown, problems);
    }

    private static string Ended(MachineSnapshot machine) =>
        $"The machine is {MachineStatusWords.ToWord(machine.Status)}" + (machine.Message.Length > 0 ? $": {machine.Message}" : ".");

    private async Task<Dictionary<string, ReclaimedMachine>> ListReclaimedAsync(
        string providerName, List<MachineSnapshot> group, List<string> problems, CancellationToken cancellationToken)
    {
        var asked = group.ConvertAll(m => new ProviderMachine(m.Id, m.ProviderMachineId, m.HostName, m.ProviderData));
        var answer = await ProviderCall.TryAsync(
            providers, providerName, "list reclaimed machines", (provider, token) => provider.ListReclaimedAsync(asked, token), logger, cancellationToken);
        if (answer.Problem is { } problem)
        {
            problems.Add(problem);
            return [];
        }

        return answer.Value!
            .GroupBy(r => r.ProviderMachineId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }
}
