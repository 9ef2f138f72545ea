using HostFactory.Application.Common;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.Logging;

namespace HostFactory.Application.Requests;

/// <summary>What one provider call made for an acquire request.</summary>
/// <param name="Made">The machines recorded (already saved), in the provider's order.</param>
/// <param name="Error">The provider's error, or why the call failed; null when the provider reported none.</param>
internal sealed record ProvisionOutcome(IReadOnlyList<Machine> Made, string? Error)
{
    /// <summary><see cref="Error"/>, or a sentence saying so when the provider made no machine without one.</summary>
    public string? Problem => Error ?? (Made.Count == 0 ? "The provider made no machine." : null);
}

/// <summary>
/// The one place an acquire request gets its machines made and taken, for a first attempt
/// (<see cref="RequestMachines"/>) and a retry (<see cref="RetryStuckProvisions"/>) alike.
/// <see cref="ProvisionAsync"/> calls the provider once and saves every machine it made;
/// <see cref="TakeAsync"/> gives them to the request and releases what it does not take.
/// </summary>
internal sealed class Provisioner(
    AggregateWriter writer,
    MachineReturner returner,
    TimeProvider clock,
    ILogger<Provisioner> logger)
{
    /// <summary>
    /// Asks <paramref name="provider"/> once for <paramref name="count"/> machines of <paramref name="template"/> for
    /// <paramref name="request"/> (which must be saved already) and saves every machine it reports. A provider error,
    /// or an exception other than the caller's own cancellation, becomes <see cref="ProvisionOutcome.Error"/>; a
    /// reported machine that cannot be recorded is logged and left out.
    /// </summary>
    public async Task<ProvisionOutcome> ProvisionAsync(IMachineProvider provider, Request request, Template template, int count, CancellationToken cancellationToken)
    {
        var result = await CallAsync(provider, new ProvisionRequest(request.ProvisionKey, template.ToSnapshot(), count), template.ProviderName, cancellationToken);
        var made = Record(result.Machines, request, template);

        // Saved before the request takes them, so a crash from here on leaves them adoptable by a retry.
        await writer.InsertAsync(made, cancellationToken);
        return new ProvisionOutcome(made, result.Error);
    }

    /// <summary>
    /// Gives <paramref name="request"/>, if it is still pending, <paramref name="adopted"/> and the first
    /// <paramref name="asked"/> of <paramref name="made"/>, and moves it to provisioning; when that is no machine at all
    /// it fails with <paramref name="failure"/>, or stays pending when that is null. If the request moved on instead,
    /// all of <paramref name="made"/> is released with a reason naming <paramref name="maker"/> ("the provider", "a
    /// retry"); otherwise only the machines made beyond <paramref name="asked"/> are.
    /// </summary>
    /// <returns>The request as saved (or as found), and whether all of <paramref name="made"/> was released.</returns>
    public async Task<(Request Saved, bool MadeReleased)> TakeAsync(
        Request request,
        IReadOnlyList<Machine> adopted,
        IReadOnlyList<Machine> made,
        int asked,
        string? failure,
        string maker,
        CancellationToken cancellationToken)
    {
        var wanted = adopted.Concat(made.Take(asked)).ToList();
        var saved = await writer.UpdateAsync(request, r => Take(r, wanted, failure), cancellationToken) ?? request;
        if (saved.Status is not (RequestStatus.Provisioning or RequestStatus.Failed) || !wanted.TrueForAll(m => saved.MachineIds.Contains(m.Id)))
        {
            // Cancelled, failed as stale, or moved on by another process while the provider worked: nobody wants these.
            await DiscardAsync(made, $"The request was {RequestStatusWords.ToWord(saved.Status)} while {maker} made this machine; it was released.", saved, cancellationToken);
            return (saved, true);
        }

        if (made.Count > asked)
        {
            await DiscardAsync(made.Skip(asked).ToList(), "The provider made more machines than asked for; this one was released.", saved, cancellationToken);
        }

        return (saved, false);
    }

    /// <summary>Releases machines of <paramref name="request"/> that Host Factory never received, saying why in the log.</summary>
    public async Task DiscardAsync(IReadOnlyList<Machine> unwanted, string reason, Request request, CancellationToken cancellationToken)
    {
        if (unwanted.Count == 0)
        {
            return;
        }

        Log.DiscardingUnwantedMachines(logger, unwanted.Count, request.Id.ToString(), reason);
        await returner.DiscardAsync(unwanted, reason, cancellationToken);
    }

    private async Task<ProvisionResult> CallAsync(IMachineProvider provider, ProvisionRequest provision, string providerName, CancellationToken cancellationToken)
    {
        try
        {
            var result = await provider.ProvisionAsync(provision, cancellationToken);
            if (result.Error is { } error)
            {
                Log.ProvisionFailed(logger, providerName, provision.RequestId.ToString(), error);
            }

            return result;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The request is saved: record the failure on it instead of leaving it pending behind a crash.
            Log.ProvisionThrew(logger, exception, providerName, provision.RequestId.ToString());
            return ProvisionResult.Failure($"Provider '{providerName}' failed: {(string.IsNullOrWhiteSpace(exception.Message) ? exception.GetType().Name : exception.Message)}");
        }
    }

    private List<Machine> Record(IReadOnlyList<ProvisionedMachine> provisioned, Request request, Template template)
    {
        var made = new List<Machine>(provisioned.Count);
        foreach (var machine in provisioned)
        {
            try
            {
                made.Add(Machine.Provision(MachineId.New(), request.Id, template.Id, template.ProviderName, machine, clock));
            }
            catch (Exception exception) when (exception is DomainException or ArgumentException)
            {
                // A report we cannot record (no provider id…) is a provider bug; there is nothing we could return later.
                Log.ProvisionedMachineRejected(logger, template.ProviderName, request.Id.ToString(), exception.Message);
            }
        }

        return made;
    }

    private bool Take(Request request, List<Machine> wanted, string? failure)
    {
        if (request.Status != RequestStatus.Pending)
        {
            return false;
        }

        if (wanted.Count == 0)
        {
            if (failure is null)
            {
                return false;
            }

            request.Fail(failure, clock);
            return true;
        }

        request.AddMachines(wanted.Select(m => m.Id).Where(id => !request.MachineIds.Contains(id)), clock);
        request.BeginProvisioning(clock);
        return true;
    }
}
