using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace HostFactory.Providers.Loading;

/// <summary>
/// Binds an instance's <c>settings</c> section to its provider's options type and validates the
/// result with DataAnnotations and <see cref="IValidatableObject"/>. Problems come back as
/// <c>settings.field: problem</c> lines; the caller adds the file and the instance.
/// </summary>
internal static class ProviderSettingsBinder
{
    public static object? Bind(Type? optionsType, IConfigurationSection? settings, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        problems = found;
        if (optionsType is null)
        {
            if (settings is not null && settings.GetChildren().Any())
            {
                found.Add("settings: this provider type takes no settings; remove the 'settings' object.");
            }

            return null;
        }

        var options = Activator.CreateInstance(optionsType)!;
        if (settings is not null)
        {
            var known = optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(static p => p.Name).ToArray();
            foreach (var key in settings.GetChildren().Select(static c => c.Key))
            {
                if (!known.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    found.Add($"settings.{key}: unknown setting (known settings: {string.Join(", ", known.Select(CamelCase))}).");
                }
            }

            if (found.Count > 0)
            {
                return null;
            }

            try
            {
                settings.Bind(options, static binder => binder.ErrorOnUnknownConfiguration = true);
            }
            catch (InvalidOperationException exception)
            {
                // The binder's message names the configuration path and the value it could not take.
                found.Add($"settings: {exception.Message}{(exception.InnerException is { } inner ? $" {inner.Message}" : string.Empty)}");
                return null;
            }
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                var members = result.MemberNames.Any() ? string.Join(", ", result.MemberNames.Select(static m => $"settings.{CamelCase(m)}")) : "settings";
                found.Add($"{members}: {result.ErrorMessage}");
            }
        }

        return found.Count == 0 ? options : null;
    }

    private static string CamelCase(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
