using Microsoft.Extensions.Options;

namespace HostFactory.Storage.Postgres;

/// <summary>Refuses options that cannot work, naming the setting (never the connection string); run at start-up through <c>ValidateOnStart</c>.</summary>
internal sealed class PostgresStorageOptionsValidator : IValidateOptions<PostgresStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var path = options.SettingsPath;
        if (!options.TryBuildConnectionString(out _, out var error))
        {
            failures.Add(error);
        }

        if (!PostgresStorageOptions.IsValidSchema(options.Schema))
        {
            failures.Add($"{path}:schema must be a lower-case PostgreSQL identifier (a-z, 0-9, _; not starting with a digit; at most 63 characters), was '{options.Schema}'.");
        }

        if (options.LockTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{path}:lockTimeout must be more than zero (e.g. 00:00:10), was {options.LockTimeout}.");
        }

        if (options.CommandTimeout < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{path}:commandTimeout must be at least one second (e.g. 00:00:30), was {options.CommandTimeout}.");
        }

        if (options.Retries is < 0 or > 10)
        {
            failures.Add($"{path}:retries must be between 0 and 10, was {options.Retries}.");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{path}:retryDelay must be between 00:00:00 and 00:01:00, was {options.RetryDelay}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
