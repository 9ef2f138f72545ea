using Microsoft.Extensions.Options;

namespace HostFactory.Storage.Json;

/// <summary>Refuses options that cannot work, naming the setting; run at start-up through <c>ValidateOnStart</c>.</summary>
internal sealed class JsonFileStorageOptionsValidator : IValidateOptions<JsonFileStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, JsonFileStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!options.TryResolveDataDirectory(out var path, out var error))
        {
            failures.Add(error);
        }
        else if (DataDirectoryCheck.Problem(path) is { } problem)
        {
            failures.Add($"The JSON store's data directory '{path}' cannot be used: {problem}.");
        }

        if (options.LockTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{JsonFileStorageOptions.SectionName}:{nameof(JsonFileStorageOptions.LockTimeout)} must be more than zero (e.g. 00:00:10), was {options.LockTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
