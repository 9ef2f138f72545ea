using HostFactory.Domain.Templates;

namespace HostFactory.Application;

/// <summary>Settings of the application layer, configured through <c>AddHostFactoryApplication</c>.</summary>
public sealed class ApplicationOptions
{
    /// <summary>The most re-runs <see cref="ConcurrencyRetryCount"/> may ask for.</summary>
    public const int MaxConcurrencyRetryCount = 100;

    /// <summary>
    /// How long a return request may take before sync times it out. Acquire requests use their
    /// template's own timeout instead. Positive; 30 minutes by default.
    /// </summary>
    public TimeSpan DefaultRequestTimeout { get; set; } = Template.DefaultRequestTimeout;

    /// <summary>
    /// How many times a change that hit a concurrency conflict (another process saved the same
    /// template, request or machine first) is reloaded and re-applied before the operation fails.
    /// 0 to <see cref="MaxConcurrencyRetryCount"/>; 5 by default.
    /// </summary>
    public int ConcurrencyRetryCount { get; set; } = 5;

    /// <summary>
    /// The first pause before a re-run after a conflict; each further re-run waits about twice as
    /// long, with random jitter so competing processes do not collide again in step. Zero for no
    /// pause; at most 10 seconds; 20 ms by default.
    /// </summary>
    public TimeSpan ConcurrencyRetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long, after the longest its provider call can run (<c>IMachineProviderRegistry.LongestCall</c>), a pending
    /// request is left to the process that saved it to record what the provider did. After that the call counts as
    /// interrupted (its process died) and the next status call recovers the request. 0 to 1 hour; 30 seconds by default.
    /// </summary>
    public TimeSpan InterruptedCallGrace { get; set; } = TimeSpan.FromSeconds(30);
}
