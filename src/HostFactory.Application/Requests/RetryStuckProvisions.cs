using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Requests;

/// <summary>
/// Gives stuck acquire requests another go. A request is stuck when it is still pending <paramref name="StaleAfter"/>
/// after it last changed: the process that saved it stopped before it heard back from the provider (left alone,
/// <see cref="SyncRequests"/> fails it at its deadline). Each stuck request, not past its deadline, is retried at
/// most <paramref name="MaxRetries"/> times: the machines the stopped process recorded for it are adopted, and the
/// provider is asked once for the rest. Meant for a long-lived reconciler, not for Host Factory's calls.
/// </summary>
/// <remarks>
/// A retry first claims the request with a versioned save that counts the attempt (<see cref="Request.SyncAttempts"/>,
/// which a pending request uses for nothing else); a conflict means another process is on it, and the request is left
/// for the next round. Should the original process still be alive and finish after all, whichever of the two records
/// its machines second finds the request no longer pending and releases its own machines, so none is leaked. A
/// template or provider that is gone fails the request. When the last retry makes nothing the request fails with the
/// provider's message; earlier retries that make nothing leave it pending for the next one.
/// </remarks>
/// <param name="StaleAfter">How long a request may stay pending before it counts as stuck; more than zero, at most a day.</param>
/// <param name="MaxRetries">How many retries a request gets; 0 to 10.</param>
public sealed record RetryStuckProvisions(TimeSpan StaleAfter, int MaxRetries) : ICommand<RetryStuckProvisionsResult>, IValidatable
{
    /// <summary>The most retries <see cref="MaxRetries"/> may allow.</summary>
    public const int MaxRetriesLimit = 10;

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        if (StaleAfter <= TimeSpan.Zero || StaleAfter > TimeSpan.FromDays(1))
        {
            yield return new ValidationError(nameof(StaleAfter), $"must be more than zero and at most one day, was {StaleAfter}.");
        }

        if (MaxRetries is < 0 or > MaxRetriesLimit)
        {
            yield return new ValidationError(nameof(MaxRetries), $"must be between 0 and {MaxRetriesLimit}, was {MaxRetries}.");
        }
    }
}

/// <summary>What <see cref="RetryStuckProvisions"/> did.</summary>
/// <param name="Retried">One entry per request retried, in the order of the store.</param>
public sealed record RetryStuckProvisionsResult(IReadOnlyList<ProvisionRetry> Retried);

/// <summary>One retry of a stuck request.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="Attempt">Which retry this was, from 1.</param>
/// <param name="Status">Its status afterwards: Provisioning when it has machines now, Pending when it is left for another retry, Failed.</param>
/// <param name="Adopted">Machines the stopped process had recorded, now part of the request.</param>
/// <param name="Made">Machines the provider made in this retry.</param>
/// <param name="Message">What happened.</param>
public sealed record ProvisionRetry(RequestId RequestId, int Attempt, RequestStatus Status, int Adopted, int Made, string Message);

/// <summary>Handles <see cref="RetryStuckProvisions"/>.</summary>
[CommandHandler]
internal sealed class RetryStuckProvisionsHandler(
    IRequestStore requests,
    ITemplateStore templates,
    IMachineStore machines,
    IMachineProviderRegistry providers,
    AggregateWriter writer,
    Provisioner provisioner,
    TimeProvider clock)
    : ICommandHandler<RetryStuckProvisions, RetryStuckProvisionsResult>
{
    public async ValueTask<RetryStuckProvisionsResult> HandleAsync(RetryStuckProvisions command, CancellationToken cancellationToken)
    {
        var retried = new List<ProvisionRetry>();
        foreach (var id in await requests.ListUnfinishedAsync(cancellationToken))
        {
            if (id.Kind == RequestKind.Acquire && await ClaimAsync(id, command, cancellationToken) is { } request)
            {
                retried.Add(await RetryAsync(request, command.MaxRetries, cancellationToken));
            }
        }

        return new RetryStuckProvisionsResult(retried);
    }

    /// <summary>The request, claimed for one more attempt; null when it is not stuck, out of retries, or someone else got there first.</summary>
    private async Task<Request?> ClaimAsync(RequestId id, RetryStuckProvisions command, CancellationToken cancellationToken)
    {
        var request = await requests.FindAsync(id, cancellationToken);
        var now = clock.GetUtcNow();
        if (request is not { Status: RequestStatus.Pending }
            || now - request.UpdatedAt < command.StaleAfter
            || request.IsPastDeadline(now)
            || request.SyncAttempts >= command.MaxRetries)
        {
            return null;
        }

        request.RecordSync(clock);
        try
        {
            await requests.SaveAsync(request, cancellationToken);
            return request;
        }
        catch (ConcurrencyException)
        {
            // Changed since it was read: another process made progress on it or claimed it. Never provision twice.
            return null;
        }
    }

    private async Task<ProvisionRetry> RetryAsync(Request request, int maxRetries, CancellationToken cancellationToken)
    {
        var attempt = request.SyncAttempts;
        var lastAttempt = attempt >= maxRetries;
        var template = await templates.FindAsync(request.TemplateId!.Value, cancellationToken);
        var recorded = (await machines.ListByRequestAsync(request.Id, cancellationToken))
            .Where(m => !m.IsReturning && m.Status != MachineStatus.Terminated && !request.MachineIds.Contains(m.Id))
            .Take(request.RequestedCount - request.MachineIds.Count)
            .ToList();

        string? problem = template switch
        {
            null => $"Template '{request.TemplateId}' no longer exists, so the stuck request cannot be retried.",
            { Enabled: false } => $"Template '{request.TemplateId}' is disabled, so the stuck request cannot be retried.",
            { } known when !providers.TryGet(known.ProviderName, out _) => $"Provider '{known.ProviderName}' is not configured, so the stuck request cannot be retried.",
            _ => null,
        };
        if (problem is not null)
        {
            return await FailAsync(request, attempt, problem, cancellationToken);
        }

        var missing = request.RequestedCount - request.MachineIds.Count - recorded.Count;
        var outcome = missing > 0 ? await provisioner.ProvisionAsync(providers.Get(template!.ProviderName), request, template, missing, cancellationToken) : null;
        var error = outcome?.Problem;
        var failure = lastAttempt ? $"The request was stuck and its last retry made no machine: {error}" : null;

        // The original process (or a cancel) may have moved the request on while the provider worked.
        var (saved, madeReleased) = await provisioner.TakeAsync(request, recorded, outcome?.Made ?? [], missing, failure, "a retry", cancellationToken);
        var made = madeReleased ? 0 : outcome?.Made.Count ?? 0;
        var message = saved.Status switch
        {
            RequestStatus.Provisioning => $"Retry {attempt}: adopted {recorded.Count} recorded machine(s), the provider made {Math.Min(made, missing)} of {missing}."
                + (error is null ? string.Empty : $" {error}"),
            RequestStatus.Pending => $"Retry {attempt} of {maxRetries} made no machine: {error}",
            _ => saved.Message,
        };
        return new ProvisionRetry(saved.Id, attempt, saved.Status, recorded.Count, made, message);
    }

    private async Task<ProvisionRetry> FailAsync(Request request, int attempt, string problem, CancellationToken cancellationToken)
    {
        var saved = await writer.UpdateAsync(request, r =>
        {
            if (r.Status != RequestStatus.Pending)
            {
                return false;
            }

            r.Fail(problem, clock);
            return true;
        }, cancellationToken) ?? request;
        if (saved.Status == RequestStatus.Failed)
        {
            // Machines the stopped process recorded were never handed to Host Factory.
            var orphans = (await machines.ListByRequestAsync(request.Id, cancellationToken))
                .Where(m => !m.IsReturning && m.Status != MachineStatus.Terminated)
                .ToList();
            await provisioner.DiscardAsync(orphans, problem, saved, cancellationToken);
        }

        return new ProvisionRetry(saved.Id, attempt, saved.Status, 0, 0, saved.Status == RequestStatus.Failed ? problem : saved.Message);
    }
}
