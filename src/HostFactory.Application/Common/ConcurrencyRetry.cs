using HostFactory.Domain.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HostFactory.Application.Common;

/// <summary>
/// Runs an attempt again when it meets a <see cref="ConcurrencyException"/>, a bounded number of times with a jittered
/// exponential pause. What an attempt does must be safe to repeat: it reloads what it changes.
/// </summary>
internal sealed class ConcurrencyRetry(IOptions<ApplicationOptions> options, ILogger<ConcurrencyRetry> logger)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    /// <summary>Runs <paramref name="attempt"/> (given the attempt number, from 1) until it succeeds or the re-runs are used up.</summary>
    /// <exception cref="ConcurrencyRetryExhaustedException">Every attempt met a conflict.</exception>
    public async Task<T> RunAsync<T>(string operation, Func<int, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        for (var number = 1; ; number++)
        {
            try
            {
                return await attempt(number, cancellationToken);
            }
            catch (ConcurrencyException conflict)
            {
                if (number > settings.ConcurrencyRetryCount)
                {
                    throw new ConcurrencyRetryExhaustedException(operation, number, conflict);
                }

                Log.ConcurrencyConflict(logger, operation, conflict.Entity, conflict.Id, number);
                var delay = Backoff(settings.ConcurrencyRetryBaseDelay, number);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, cancellationToken);
                }
            }
        }
    }

    private static TimeSpan Backoff(TimeSpan baseDelay, int attempt)
    {
        // Jitter between 0.5x and 1.5x so processes that collided do not retry in lockstep. Not security-relevant.
        var jitter = 0.5 + Random.Shared.NextDouble();
        var delay = baseDelay * Math.Pow(2, Math.Min(attempt - 1, 6)) * jitter;
        return delay < MaxDelay ? delay : MaxDelay;
    }
}
