using HostFactory.Application.Requests;
using Microsoft.Extensions.Options;

namespace HostFactory.Hosting;

/// <summary>
/// Settings of <see cref="HostFactoryReconciler"/>, bound from <c>hostFactory:reconciler</c> and validated at start-up:
/// <code>
/// { "hostFactory": { "reconciler": { "enabled": true, "interval": "00:00:30",
///     "provisionStaleAfter": "00:05:00", "maxProvisionRetries": 2, "recordReclaimed": true, "reportOrphans": true } } }
/// </code>
/// </summary>
public sealed class ReconcilerOptions
{
    /// <summary>The configuration section the settings are bound from.</summary>
    public const string SectionName = "hostFactory:reconciler";

    /// <summary>False registers the reconciler but makes it do nothing. True by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The pause between two passes; the first pass runs at start. 1 second to 1 hour; 30 seconds by default.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an acquire request may stay pending before it counts as stuck and is retried
    /// (<see cref="RetryStuckProvisions"/>). Keep it above the provider's longest call. 10 seconds to 1 day; 5 minutes by default.
    /// </summary>
    public TimeSpan ProvisionStaleAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many times a stuck request is retried; 0 never retries. 0 to 10; 2 by default.</summary>
    public int MaxProvisionRetries { get; set; } = 2;

    /// <summary>Whether each pass asks the providers which machines they took back and records them. True by default.</summary>
    public bool RecordReclaimed { get; set; } = true;

    /// <summary>
    /// Whether each pass asks the providers which machines they hold that no request owns
    /// (<see cref="Application.Machines.ListOrphanMachines"/>) and logs each one as a warning. Orphans are never
    /// released on their own: that is the operator's call. True by default.
    /// </summary>
    public bool ReportOrphans { get; set; } = true;
}

/// <summary>Refuses reconciler settings out of range, naming the setting as it is written in the configuration.</summary>
internal sealed class ReconcilerOptionsValidator : IValidateOptions<ReconcilerOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconcilerOptions options)
    {
        var failures = new List<string>();
        if (options.Interval < TimeSpan.FromSeconds(1) || options.Interval > TimeSpan.FromHours(1))
        {
            failures.Add($"{ReconcilerOptions.SectionName}:interval must be between 00:00:01 and 01:00:00, was {options.Interval}.");
        }

        if (options.ProvisionStaleAfter < TimeSpan.FromSeconds(10) || options.ProvisionStaleAfter > TimeSpan.FromDays(1))
        {
            failures.Add($"{ReconcilerOptions.SectionName}:provisionStaleAfter must be between 00:00:10 and 1.00:00:00, was {options.ProvisionStaleAfter}.");
        }

        if (options.MaxProvisionRetries is < 0 or > RetryStuckProvisions.MaxRetriesLimit)
        {
            failures.Add($"{ReconcilerOptions.SectionName}:maxProvisionRetries must be between 0 and {RetryStuckProvisions.MaxRetriesLimit}, was {options.MaxProvisionRetries}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
