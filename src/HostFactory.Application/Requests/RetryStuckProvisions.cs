using HostFactory.Application.Common;
using HostFactory.Application.Requests.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Requests;

/// <summary>
/// Gives stuck acquire requests another go, for a long-lived reconciler: Host Factory's own status calls recover an
/// interrupted request once its provider call cannot be running any more (<see cref="SyncRequests"/>), and this does
/// the same, by the same path (<see cref="ProvisionRecovery"/>), for a request still pending <paramref name="StaleAfter"/>
/// after it last changed, at most <paramref name="MaxRetries"/> times each, whether or not anyone polls it. A recovery
/// claims the request with a versioned save (a conflict means another process is on it: left for the next round),
/// adopts the machines the interrupted call made (recorded, or listed by the provider) and provisions what is missing.
/// Requests past their deadline are left to <see cref="SyncRequests"/>, which fails them.
/// </summary>
/// <remarks>
/// Keep <paramref name="StaleAfter"/> above the provider's longest call: a recovery that takes a call still running
/// for dead makes that call leave its machines to the recovery, which may then ask for more than it needed. A template
/// or provider that is gone fails the request. When the last retry makes nothing the request fails with the provider's
/// message; earlier retries that make nothing leave it pending for the next one.
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
internal sealed class RetryStuckProvisionsHandler(IRequestStore requests, ProvisionRecovery recovery, TimeProvider clock)
    : ICommandHandler<RetryStuckProvisions, RetryStuckProvisionsResult>
{
    public async ValueTask<RetryStuckProvisionsResult> HandleAsync(RetryStuckProvisions command, CancellationToken cancellationToken)
    {
        var retried = new List<ProvisionRetry>();
        foreach (var id in await requests.ListUnfinishedAsync(cancellationToken))
        {
            if (id.Kind == RequestKind.Acquire
                && await requests.FindAsync(id, cancellationToken) is { } request
                && IsStuck(request, command)
                && await RetryAsync(request, command.MaxRetries, cancellationToken) is { } retry)
            {
                retried.Add(retry);
            }
        }

        return new RetryStuckProvisionsResult(retried);
    }

    private bool IsStuck(Request request, RetryStuckProvisions command)
    {
        var now = clock.GetUtcNow();
        return request.Status == RequestStatus.Pending
            && now - request.UpdatedAt >= command.StaleAfter
            && !request.IsPastDeadline(now)
            && request.SyncAttempts < command.MaxRetries;
    }

    private async Task<ProvisionRetry?> RetryAsync(Request request, int maxRetries, CancellationToken cancellationToken)
    {
        var lastAttempt = request.SyncAttempts + 1 >= maxRetries;
        var outcome = await recovery.RecoverAsync(
            request,
            problem => lastAttempt ? $"The request was stuck and its last retry made no machine: {problem}" : null,
            cancellationToken);
        if (outcome is null)
        {
            return null;
        }

        var message = outcome.Request.Status == RequestStatus.Pending
            ? $"Retry {outcome.Claim} of {maxRetries} made no machine: {outcome.Problem}"
            : outcome.Message;
        return new ProvisionRetry(outcome.Request.Id, outcome.Claim, outcome.Request.Status, outcome.Adopted, outcome.Made, message);
    }
}
