using HostFactory.Application.Common;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HostFactory.Application.Requests.Common;

/// <summary>What one recovery of a pending acquire request did.</summary>
/// <param name="Request">The request as saved last.</param>
/// <param name="Claim">Which claim of the request this was (its <see cref="Request.SyncAttempts"/>), from 1.</param>
/// <param name="Adopted">Machines the interrupted call had made (found recorded, or listed by the provider), now the request's.</param>
/// <param name="Made">Machines the recovery's own provision call made.</param>
/// <param name="Message">What happened, one or two sentences (the request's message once it moved on).</param>
/// <param name="Problem">Why nothing was made, when nothing was; else null.</param>
internal sealed record RecoveryOutcome(Request Request, int Claim, int Adopted, int Made, string Message, string? Problem);

/// <summary>
/// The one path by which an acquire request whose provision call was interrupted (its process died between saving
/// the request and recording what the provider made) gets its machines: the first status call that finds it pending
/// past the longest the call could run (<see cref="InterruptedAtAsync"/>), and the reconciler's
/// <see cref="RetryStuckProvisions"/>, both come here. <see cref="RecoverAsync"/> claims the request with a versioned
/// save (so exactly one process recovers it), adopts what the provider made for it (the machines recorded in the store
/// and those the provider lists, <see cref="IMachineProvider.ListHeldAsync"/>), and provisions what is missing: under
/// the same key when the interrupted call made nothing (a provider that cannot list then answers with what it made,
/// never a second set), under the next attempt's key when it made some. <see cref="AbandonAsync"/> fails a request
/// that cannot be recovered and releases everything made for it, listed machines included, so none is leaked.
/// </summary>
internal sealed class ProvisionRecovery(
    ITemplateStore templates,
    IRequestStore requests,
    IMachineStore machines,
    IMachineProviderRegistry providers,
    AggregateWriter writer,
    Provisioner provisioner,
    IOptions<ApplicationOptions> options,
    TimeProvider clock,
    ILogger<ProvisionRecovery> logger)
{
    /// <summary>
    /// When the call that saved <paramref name="request"/> can no longer be running: its last change plus the longest
    /// call its template's provider can make, plus <see cref="ApplicationOptions.InterruptedCallGrace"/>. Null when the
    /// template or its provider is gone: nothing could be running for it then.
    /// </summary>
    public async Task<DateTimeOffset?> InterruptedAtAsync(Request request, CancellationToken cancellationToken)
    {
        var template = await templates.FindAsync(request.TemplateId!.Value, cancellationToken);
        return template is not null && providers.TryGet(template.ProviderName, out _)
            ? request.UpdatedAt + providers.LongestCall(template.ProviderName) + options.Value.InterruptedCallGrace
            : null;
    }

    /// <summary>
    /// Recovers <paramref name="request"/> (a pending acquire request the caller judged interrupted). When the
    /// recovery's own provision call makes nothing, the request fails with the provider's reason if
    /// <paramref name="failWhenNothingMade"/> gives one for that reason, and otherwise stays pending for the next
    /// recovery.
    /// </summary>
    /// <returns>What happened; null when another process claimed the request first, or the provider could not say what it holds (left for the next call).</returns>
    public async Task<RecoveryOutcome?> RecoverAsync(Request request, Func<string, string?> failWhenNothingMade, CancellationToken cancellationToken)
    {
        var template = await templates.FindAsync(request.TemplateId!.Value, cancellationToken);
        string? gone = template switch
        {
            null => $"Template '{request.TemplateId}' no longer exists, so the request, whose call was interrupted, cannot be recovered.",
            { Enabled: false } => $"Template '{request.TemplateId}' is disabled, so the request, whose call was interrupted, cannot be recovered.",
            { } known when !providers.TryGet(known.ProviderName, out _) => $"Provider '{known.ProviderName}' is not configured, so the request, whose call was interrupted, cannot be recovered.",
            _ => null,
        };
        if (gone is not null)
        {
            return await AbandonAsync(request, gone, cancellationToken) is { } abandoned
                ? new RecoveryOutcome(abandoned, abandoned.SyncAttempts + 1, 0, 0, abandoned.Message, gone)
                : null;
        }

        var provider = providers.Get(template!.ProviderName);
        var held = await ListHeldAsync(template.ProviderName, request.Id, cancellationToken);
        if (held is null)
        {
            return null;
        }

        var recorded = await machines.ListByRequestAsync(request.Id, cancellationToken);
        var recordedIds = recorded.Where(m => m.ProviderName == template.ProviderName).Select(m => m.ProviderMachineId).ToHashSet(StringComparer.Ordinal);
        var unrecorded = held.Machines.Where(h => !recordedIds.Contains(h.Machine.ProviderMachineId)).ToList();
        var usable = recorded.Count(Adoptable) + unrecorded.Count;

        // More is asked for under a new key only when the current key is known to have made machines: a key that made
        // nothing is asked again, so a provider that cannot list answers with what the interrupted call made.
        var nextAttempt = usable < request.RequestedCount && held.Machines.Any(h => h.Key.Attempt == request.ProvisionAttempt);
        if (!await ClaimAsync(request, nextAttempt, cancellationToken))
        {
            return null;
        }

        var listed = await provisioner.RecordAsync(unrecorded.ConvertAll(h => h.Machine), request, template, cancellationToken);
        var adopted = recorded
            .Where(Adoptable)
            .Concat(listed)
            .Take(request.RequestedCount)
            .ToList();
        var missing = request.RequestedCount - adopted.Count;
        var outcome = missing > 0
            ? await provisioner.ProvisionAsync(provider, request, template, missing, recordedIds.Concat(listed.Select(m => m.ProviderMachineId)).ToHashSet(StringComparer.Ordinal), cancellationToken)
            : null;
        var made = outcome?.Made ?? [];
        var message = Describe(adopted.Count, made.Count, missing, outcome?.Error);
        var problem = adopted.Count + made.Count == 0 ? outcome?.Problem ?? "The provider made no machine." : null;
        var failure = problem is null ? null : failWhenNothingMade(problem);
        var (saved, madeReleased) = await provisioner.TakeAsync(request, adopted, made, missing, failure, "a recovery", message, cancellationToken);
        Log.ProvisionRecovered(logger, request.Id.ToString(), request.SyncAttempts, adopted.Count, madeReleased ? 0 : made.Count);
        return new RecoveryOutcome(saved, request.SyncAttempts, adopted.Count, madeReleased ? 0 : made.Count, saved.Status == RequestStatus.Provisioning ? message : saved.Message, problem);
    }

    /// <summary>
    /// Fails the pending <paramref name="request"/> with <paramref name="reason"/> (a versioned save, so once) and
    /// releases every machine made for it that Host Factory never received: those recorded, and those its provider
    /// lists but nobody recorded.
    /// </summary>
    /// <returns>The request as saved; null when it was no longer pending (another process moved it on).</returns>
    public async Task<Request?> AbandonAsync(Request request, string reason, CancellationToken cancellationToken)
    {
        var saved = await writer.UpdateAsync(request, r =>
        {
            if (r.Status != RequestStatus.Pending)
            {
                return false;
            }

            r.Fail(reason, clock);
            return true;
        }, cancellationToken);
        if (saved is not { Status: RequestStatus.Failed } || saved.Message != reason)
        {
            return null;
        }

        var recorded = (await machines.ListByRequestAsync(saved.Id, cancellationToken)).ToList();
        var template = await templates.FindAsync(saved.TemplateId!.Value, cancellationToken);
        if (template is not null && await ListHeldAsync(template.ProviderName, saved.Id, cancellationToken) is { } held)
        {
            var recordedIds = recorded.Select(m => m.ProviderMachineId).ToHashSet(StringComparer.Ordinal);
            recorded.AddRange(await provisioner.RecordAsync(
                held.Machines.Where(h => !recordedIds.Contains(h.Machine.ProviderMachineId)).Select(h => h.Machine).ToList(), saved, template, cancellationToken));
        }

        await provisioner.DiscardAsync(recorded.Where(m => !m.IsReturning && m.Status != MachineStatus.Terminated).ToList(), reason, saved, cancellationToken);
        return saved;
    }

    /// <summary>A recorded machine the request can still take: not returning, not gone (a failed one is taken and reported failed).</summary>
    private static bool Adoptable(Machine machine) => !machine.IsReturning && machine.Status != MachineStatus.Terminated;

    private async Task<bool> ClaimAsync(Request request, bool nextAttempt, CancellationToken cancellationToken)
    {
        request.ClaimForRecovery(nextAttempt, clock);
        try
        {
            await requests.SaveAsync(request, cancellationToken);
            return true;
        }
        catch (ConcurrencyException)
        {
            // Changed since it was read: the interrupted call's process came back, or another process claimed it.
            return false;
        }
    }

    /// <summary>What the provider holds for the request: empty when it cannot list; null when it failed to answer.</summary>
    private async Task<HeldMachines?> ListHeldAsync(string providerName, RequestId requestId, CancellationToken cancellationToken)
    {
        var answer = await ProviderCall.TryAsync(
            providers, providerName, $"list the machines of request {requestId}",
            (provider, token) => provider.ListHeldAsync(requestId, token),
            logger, cancellationToken);
        return answer.Value;
    }

    private static string Describe(int adopted, int made, int missing, string? error)
    {
        var parts = new List<string>();
        if (adopted > 0)
        {
            parts.Add($"Recovered {adopted} machine(s) made by an interrupted call.");
        }

        if (missing > 0)
        {
            parts.Add(adopted > 0
                ? $"The provider made {Math.Min(made, missing)} of the {missing} more needed."
                : $"The call that saved the request was interrupted; the provider was asked again under the same key and reported {Math.Min(made, missing)} of {missing} machine(s).");
        }

        if (error is not null && made < missing)
        {
            parts.Add(error);
        }

        return string.Join(" ", parts);
    }
}
