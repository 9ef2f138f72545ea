using System.Globalization;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace HostFactory.Providers.Configuration;

/// <summary>Binds each element of the providers section into a <see cref="ProviderInstanceOptions"/>, remembering where it came from.</summary>
internal sealed class MachineProvidersOptionsSetup(IConfiguration providersSection, IOptions<MachineProviderHostOptions> host)
    : IConfigureOptions<MachineProvidersOptions>
{
    public void Configure(MachineProvidersOptions options)
    {
        foreach (var element in providersSection.GetChildren().OrderBy(static c => Index(c.Key)))
        {
            var instance = new ProviderInstanceOptions();
            try
            {
                element.Bind(instance);
            }
            catch (InvalidOperationException exception)
            {
                // The binder names the configuration path and the value it could not convert; we add the file and the instance.
                var name = element["name"];
                throw new OptionsValidationException(
                    Options.DefaultName,
                    typeof(MachineProvidersOptions),
                    [$"{ProviderMessages.Where(host.Value.ConfigurationFile, element.Path)}provider instance {(name is null ? "(unnamed)" : $"'{name}'")}: {(exception.InnerException ?? exception).Message} ({exception.Message})"]);
            }

            var settings = element.GetSection("settings");
            instance.Settings = settings.Exists() ? settings : null;
            instance.ConfigurationPath = element.Path;
            instance.UnknownKeys = element.GetChildren()
                .Select(static c => c.Key)
                .Where(static key => !ProviderInstanceOptions.Keys.Contains(key, StringComparer.OrdinalIgnoreCase))
                .ToArray();
            options.Instances.Add(instance);
        }
    }

    private static int Index(string key) => int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : int.MaxValue;
}

/// <summary>Checks every instance's own fields at start; the message names the file, the instance and the field.</summary>
internal sealed class MachineProvidersOptionsValidator(IOptions<MachineProviderHostOptions> host) : IValidateOptions<MachineProvidersOptions>
{
    public ValidateOptionsResult Validate(string? name, MachineProvidersOptions options)
    {
        var failures = new List<string>();
        foreach (var instance in options.Instances)
        {
            var where = ProviderMessages.Where(host.Value.ConfigurationFile, instance.ConfigurationPath);
            var label = string.IsNullOrEmpty(instance.Name) ? "provider instance (unnamed)" : $"provider instance '{instance.Name}'";
            if (string.IsNullOrWhiteSpace(instance.Name))
            {
                failures.Add($"{where}{label}: field 'name' is required.");
            }
            // Templates refer to instances by name, so names follow the domain rule for provider names (the template-id rule).
            else if (!TemplateId.TryCreate(instance.Name, out _, out _))
            {
                failures.Add($"{where}{label}: field 'name' must be 1 to 64 characters of 0-9 A-Z a-z - _.");
            }

            if (string.IsNullOrWhiteSpace(instance.Type))
            {
                failures.Add($"{where}{label}: field 'type' is required.");
            }

            if (instance.Assembly is { } assembly && string.IsNullOrWhiteSpace(assembly))
            {
                failures.Add($"{where}{label}: field 'assembly' must be a path or left out.");
            }

            if (!(instance.TimeoutSeconds > 0 && instance.TimeoutSeconds <= 3600))
            {
                failures.Add($"{where}{label}: field 'timeoutSeconds' must be more than 0 and at most 3600, was {instance.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)}.");
            }

            if (instance.Retries is < 0 or > 10)
            {
                failures.Add($"{where}{label}: field 'retries' must be between 0 and 10, was {instance.Retries}.");
            }

            if (!(instance.RetryDelaySeconds >= 0 && instance.RetryDelaySeconds <= 60))
            {
                failures.Add($"{where}{label}: field 'retryDelaySeconds' must be between 0 and 60, was {instance.RetryDelaySeconds.ToString(CultureInfo.InvariantCulture)}.");
            }

            foreach (var key in instance.UnknownKeys)
            {
                failures.Add($"{where}{label}: unknown field '{key}' (known fields: {string.Join(", ", ProviderInstanceOptions.Keys)}).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The one way messages say where a setting is: <c>file (path): </c>.</summary>
internal static class ProviderMessages
{
    public static string Where(string? file, string? configurationPath) =>
        (file, string.IsNullOrEmpty(configurationPath) ? null : configurationPath) switch
        {
            (null, null) => string.Empty,
            (null, { } path) => $"{path}: ",
            ({ } f, null) => $"{f}: ",
            ({ } f, { } path) => $"{f} ({path}): ",
        };
}
