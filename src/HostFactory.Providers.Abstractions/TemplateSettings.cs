using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HostFactory.Domain.Templates;

namespace HostFactory.Providers.Abstractions;

/// <summary>
/// Typed reads of a template's provider settings (the raw JSON value stored per key). An absent key
/// or a JSON <c>null</c> reads as null; a value of the wrong JSON kind throws
/// <see cref="ProviderSettingException"/> naming the template and the key, so a provider can turn it
/// into a <c>ValidateTemplateAsync</c> problem or a provision failure.
/// </summary>
public sealed class TemplateSettings
{
    private readonly ProviderSettings _settings;

    private TemplateSettings(string templateId, ProviderSettings settings)
    {
        TemplateId = templateId;
        _settings = settings;
    }

    /// <summary>The template the settings belong to.</summary>
    public string TemplateId { get; }

    /// <summary>The settings of <paramref name="template"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="template"/> is null.</exception>
    public static TemplateSettings Of(TemplateSnapshot template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return new(template.Id.Value, template.ProviderSettings);
    }

    /// <summary>True when the key is present (even with a JSON <c>null</c>).</summary>
    public bool Contains(string key) => _settings.TryGetRaw(key, out _);

    /// <summary>The raw JSON text of the value, or null when absent.</summary>
    public string? GetRaw(string key) => _settings.TryGetRaw(key, out var raw) ? raw : null;

    /// <summary>A JSON string value.</summary>
    /// <exception cref="ProviderSettingException">The value is not a string.</exception>
    public string? GetString(string key) =>
        Read(key, "must be a JSON string", static element =>
            element.ValueKind == JsonValueKind.String ? (true, element.GetString()) : (false, null));

    /// <summary>A JSON string value that must be present and not blank.</summary>
    /// <exception cref="ProviderSettingException">The value is absent, blank or not a string.</exception>
    public string GetRequiredString(string key) =>
        GetString(key) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new ProviderSettingException(TemplateId, key, "is required and must be a non-empty JSON string");

    /// <summary>A JSON integer value.</summary>
    /// <exception cref="ProviderSettingException">The value is not a 32-bit integer.</exception>
    public int? GetInt32(string key) =>
        Read<int?>(key, "must be a JSON integer", static element =>
            element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var number) ? (true, number) : (false, null));

    /// <summary>A JSON boolean value.</summary>
    /// <exception cref="ProviderSettingException">The value is not true or false.</exception>
    public bool? GetBoolean(string key) =>
        Read<bool?>(key, "must be true or false", static element =>
            element.ValueKind is JsonValueKind.True or JsonValueKind.False ? (true, element.GetBoolean()) : (false, null));

    /// <summary>A JSON array of strings, e.g. a command's argv.</summary>
    /// <exception cref="ProviderSettingException">The value is not an array of strings.</exception>
    public IReadOnlyList<string>? GetStringArray(string key) =>
        Read<IReadOnlyList<string>?>(key, "must be a JSON array of strings", static element =>
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                return (false, null);
            }

            var items = new List<string>(element.GetArrayLength());
            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    return (false, null);
                }

                items.Add(item.GetString()!);
            }

            return (true, items);
        });

    /// <summary>A JSON array of strings that must be present and not empty.</summary>
    /// <exception cref="ProviderSettingException">The value is absent, empty or not an array of strings.</exception>
    public IReadOnlyList<string> GetRequiredStringArray(string key) =>
        GetStringArray(key) is { Count: > 0 } items
            ? items
            : throw new ProviderSettingException(TemplateId, key, "is required and must be a non-empty JSON array of strings");

    /// <summary>A JSON object whose values are all strings, e.g. tags or environment variables.</summary>
    /// <exception cref="ProviderSettingException">The value is not an object of strings.</exception>
    public IReadOnlyDictionary<string, string>? GetStringMap(string key) =>
        Read<IReadOnlyDictionary<string, string>?>(key, "must be a JSON object whose values are strings", static element =>
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                return (false, null);
            }

            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    return (false, null);
                }

                map[property.Name] = property.Value.GetString()!;
            }

            return (true, map);
        });

    /// <summary>Any value, deserialized with <paramref name="typeInfo"/> (from the provider's own source-generated context).</summary>
    /// <exception cref="ProviderSettingException">The value does not deserialize to <typeparamref name="T"/>.</exception>
    public T? Get<T>(string key, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var raw = GetRaw(key);
        if (raw is null)
        {
            return default;
        }

        try
        {
            return JsonSerializer.Deserialize(raw, typeInfo);
        }
        catch (JsonException exception)
        {
            throw new ProviderSettingException(TemplateId, key, $"does not read as {typeof(T).Name}: {exception.Message}");
        }
    }

    private T? Read<T>(string key, string expectation, Func<JsonElement, (bool Ok, T? Value)> convert)
    {
        var raw = GetRaw(key);
        if (raw is null)
        {
            return default;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(raw);
        }
        catch (JsonException)
        {
            throw new ProviderSettingException(TemplateId, key, $"{expectation}, but its stored text is not JSON: {Shorten(raw)}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind == JsonValueKind.Null)
            {
                return default;
            }

            var (ok, value) = convert(document.RootElement);
            return ok ? value : throw new ProviderSettingException(TemplateId, key, $"{expectation}, found {Shorten(raw)}");
        }
    }

    private static string Shorten(string raw) => raw.Length <= 80 ? raw : raw[..77] + "...";
}
