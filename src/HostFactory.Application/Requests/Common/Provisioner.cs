using HostFactory.Application.Common;
using HostFactory.Application.Diagnostics;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.Logging;

namespace HostFactory.Application.Requests.Common;

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
/// (<see cref="RequestMachines"/>) and a recovery (<see cref="ProvisionRecovery"/>) alike.
/// <see cref="ProvisionAsync"/> calls the provider once, under the request's <see cref="Request.ProvisionKey"/>, and
/// saves every machine it made; <see cref="TakeAsync"/> gives them to the request and releases what it does not take.
/// </summary>
internal sealed class Provisioner(
    AggregateWriter writer,
    MachineReturner returner,
    IMachineProviderRegistry providers,
    TimeProvider clock,
    ILogger<Provisioner> logger)
{
    /// <summary>
    /// Asks <paramref name="provider"/> once for <paramref name="count"/> machines of <paramref name="template"/> for
    /// <paramref name="request"/> (which must be saved already) and saves every machine it reports, except those
    /// whose provider ids are in <paramref name="recorded"/> (a provider asked again under a key it served answers
    /// with the machines it made then, which the request already has records of). A provider error, or an exception
    /// other than the caller's own cancellation, becomes <see cref="ProvisionOutcome.Error"/>; a reported machine that
    /// cannot be recorded is logged and left out.
    /// </summary>
    public async Task<ProvisionOutcome> ProvisionAsync(
        IMachineProvider provider, Request request, Template template, int count, IReadOnlySet<string> recorded, CancellationToken cancellationToken)
    {
        var result = await CallAsync(provider, new ProvisionRequest(request.ProvisionKey, template.ToSnapshot(), count), template.ProviderName, cancellationToken);
        var made = await RecordAsync(result.Machines.Where(m => m is not null && !recorded.Contains(m.ProviderMachineId)).ToList(), request, template, cancellationToken);
        return new ProvisionOutcome(made, result.Error);
    }

    /// <summary>
    /// Saves a record of each machine the provider made for <paramref name="request"/> (all or nothing). A machine that
    /// cannot be recorded (no provider id…) is a provider bug, logged and left out: there is nothing to return later.
    /// Each records which id Host Factory is told, as the template's provider declares it.
    /// </summary>
    /// <returns>The machines recorded, in the given order.</returns>
    public async Task<IReadOnlyList<Machine>> RecordAsync(IReadOnlyList<ProvisionedMachine> provisioned, Request request, Template template, CancellationToken cancellationToken)
    {
        var made = new List<Machine>(provisioned.Count);
        var reported = providers.TryGet(template.ProviderName, out var provider) ? provider.ReportedMachineId : ReportedMachineId.OurId;
        foreach (var machine in provisioned)
        {
            try
            {
                made.Add(Machine.Provision(MachineId.New(), request.Id, template.Id, template.ProviderName, machine, clock, reported));
            }
            catch (Exception exception) when (exception is DomainException or ArgumentException)
            {
                Log.ProvisionedMachineRejected(logger, template.ProviderName, request.Id.ToString(), exception.Message);
            }
        }

        // Saved before the request takes them, so a crash from here on leaves them adoptable by a recovery.
        await writer.InsertAsync(made, cancellationToken);
        foreach (var machine in made)
        {
            // A provider may hand over a machine already running (a local process, a static pool's host).
            ProvisioningMetrics.MachineCameUp(request, MachineStatus.Pending, machine);
        }

        return made;
    }

    /// <summary>
    /// Gives <paramref name="request"/>, if it is still pending and unclaimed since it was read, <paramref name="adopted"/>
    /// and the first <paramref name="asked"/> of <paramref name="made"/>, and moves it to provisioning with
    /// <paramref name="message"/> (null keeps its message); when that is no machine at all it fails with
    /// <paramref name="failure"/>, or stays pending when that is null. Otherwise only the machines made beyond
    /// <paramref name="asked"/> are released. If the request ended instead (cancelled, failed, timed out while the
    /// provider worked), every machine it did not take is released with a reason naming <paramref name="maker"/> ("the
    /// provider", "a recovery"). If a recovery claimed it (another process took this one for dead), nothing is
    /// released: the recovery adopts what this call recorded, and what it does not is left for the operator's
    /// <c>providers orphans</c>, never released from under a request that may hold it.
    /// </summary>
    /// <returns>The request as saved (or as found), and whether <paramref name="made"/> was left out of it.</returns>
    public async Task<(Request Saved, bool MadeReleased)> TakeAsync(
        Request request,
        IReadOnlyList<Machine> adopted,
        IReadOnlyList<Machine> made,
        int asked,
        string? failure,
        string maker,
        string? message,
        CancellationToken cancellationToken)
    {
        var wanted = adopted.Concat(made.Take(asked)).ToList();
        var claims = request.SyncAttempts;
        var saved = await writer.UpdateAsync(request, r => Take(r, claims, wanted, failure, message), cancellationToken) ?? request;
        if (saved.SyncAttempts != claims && !saved.IsFinished)
        {
            Log.RecoveredElsewhere(logger, saved.Id.ToString(), made.Count);
            return (saved, true);
        }

        if (saved.Status is not (RequestStatus.Provisioning or RequestStatus.Failed) || !wanted.TrueForAll(m => saved.MachineIds.Contains(m.Id)))
        {
            // Cancelled, failed or timed out while the provider worked: nobody wants these.
            var untaken = adopted.Concat(made).Where(m => !saved.MachineIds.Contains(m.Id)).ToList();
            await DiscardAsync(untaken, $"The request was {RequestStatusWords.ToWord(saved.Status)} while {maker} made this machine; it was released.", saved, cancellationToken);
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

    private bool Take(Request request, int claims, List<Machine> wanted, string? failure, string? message)
    {
        // A claim since this process read the request means a recovery took this process for dead and owns it now.
        if (request.Status != RequestStatus.Pending || request.SyncAttempts != claims)
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
        request.BeginProvisioning(clock, message);
        return true;
    }
}
