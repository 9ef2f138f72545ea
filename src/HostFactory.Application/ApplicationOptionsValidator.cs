using Microsoft.Extensions.Options;

namespace HostFactory.Application;

/// <summary>Refuses settings that would make the application misbehave, naming the setting.</summary>
internal sealed class ApplicationOptionsValidator : IValidateOptions<ApplicationOptions>
{
    public ValidateOptionsResult Validate(string? name, ApplicationOptions options)
    {
        var failures = new List<string>();
        if (options.DefaultRequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(ApplicationOptions.DefaultRequestTimeout)} must be positive, was {options.DefaultRequestTimeout}.");
        }

        if (options.ConcurrencyRetryCount is < 0 or > ApplicationOptions.MaxConcurrencyRetryCount)
        {
            failures.Add($"{nameof(ApplicationOptions.ConcurrencyRetryCount)} must be between 0 and {ApplicationOptions.MaxConcurrencyRetryCount}, was {options.ConcurrencyRetryCount}.");
        }

        if (options.ConcurrencyRetryBaseDelay < TimeSpan.Zero || options.ConcurrencyRetryBaseDelay > TimeSpan.FromSeconds(10))
        {
            failures.Add($"{nameof(ApplicationOptions.ConcurrencyRetryBaseDelay)} must be between 0 and 10 seconds, was {options.ConcurrencyRetryBaseDelay}.");
        }

        if (options.InterruptedCallGrace < TimeSpan.Zero || options.InterruptedCallGrace > TimeSpan.FromHours(1))
        {
            failures.Add($"{nameof(ApplicationOptions.InterruptedCallGrace)} must be between 0 and 1 hour, was {options.InterruptedCallGrace}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
