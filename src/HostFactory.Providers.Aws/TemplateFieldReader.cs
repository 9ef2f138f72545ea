using System.Text.RegularExpressions;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;

namespace HostFactory.Providers.Aws;

/// <summary>
/// Typed reads of one template's provider fields that collect problems instead of stopping at the first: each problem
/// is a sentence naming the template and the field (<c>Template 'x' setting 'field' …</c>), as
/// <see cref="ProviderSettingException"/> words it.
/// </summary>
internal sealed class TemplateFieldReader(TemplateSnapshot template)
{
    private readonly TemplateSettings _settings = TemplateSettings.Of(template);

    /// <summary>Every problem found so far, in the order found.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>The raw JSON text of a field, or null when it is absent.</summary>
    public string? Raw(string key) => _settings.GetRaw(key);

    /// <summary>A JSON string field, or null when absent.</summary>
    public string? String(string key) => Read(key, () => _settings.GetString(key));

    /// <summary>A JSON array of strings, each matching <paramref name="pattern"/> (<paramref name="what"/> names what one is).</summary>
    public IReadOnlyList<string> List(string key, Regex pattern, string what)
    {
        var items = Read(key, () => _settings.GetStringArray(key)) ?? [];
        foreach (var item in items.Where(i => !pattern.IsMatch(i)))
        {
            Problem(key, $"has '{item}', which is not {what}");
        }

        return items;
    }

    /// <summary>One of <paramref name="choices"/>' words (any case), or <paramref name="fallback"/> when absent.</summary>
    public T Choice<T>(string key, T fallback, params (string Word, T Value)[] choices)
    {
        if (String(key) is not { } word)
        {
            return fallback;
        }

        foreach (var (known, value) in choices)
        {
            if (string.Equals(word, known, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        Problem(key, $"is '{word}', which is not one of {string.Join(", ", choices.Select(static c => c.Word))}"
            + (key == "providerApi" && word is "SpotFleet" or "ASG"
                ? " (Spot Fleet and Auto Scaling groups maintain capacity: AWS would replace the machines Host Factory gives back)"
                : string.Empty));
        return fallback;
    }

    /// <summary>A string matching <paramref name="pattern"/>, or null when absent or wrong.</summary>
    public string? Matching(string key, Regex pattern, string what)
    {
        var value = Text(key, 2048);
        if (value is not null && !pattern.IsMatch(value))
        {
            Problem(key, $"is '{value}', which is not {what}");
            return null;
        }

        return value;
    }

    /// <summary>One of <paramref name="words"/> (any case, answered in its spelling), or null when absent or wrong.</summary>
    public string? OneOf(string key, IReadOnlyList<string> words)
    {
        var value = Text(key, 64);
        if (value is not null && !words.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            Problem(key, $"is '{value}', which is not one of {string.Join(", ", words)}");
            return null;
        }

        return value is null ? null : words.First(w => string.Equals(w, value, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A non-blank string of at most <paramref name="maxLength"/> characters, or null when absent or wrong.</summary>
    public string? Text(string key, int maxLength)
    {
        var value = String(key);
        if (value is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(value) || value.Length > maxLength)
        {
            Problem(key, $"must be a non-empty string of at most {maxLength} characters");
            return null;
        }

        return value;
    }

    /// <summary>An integer from <paramref name="min"/> to <paramref name="max"/>, or null when absent or wrong.</summary>
    public int? Number(string key, int min, int max)
    {
        var value = Read(key, () => _settings.GetInt32(key));
        if (value is { } number && (number < min || number > max))
        {
            Problem(key, $"is {number}; it must be between {min} and {max}");
            return null;
        }

        return value;
    }

    /// <summary>Runs one of <see cref="TemplateSettings"/>' reads, recording its problem instead of throwing.</summary>
    public T? Read<T>(string key, Func<T?> read)
    {
        try
        {
            return read();
        }
        catch (ProviderSettingException exception)
        {
            Problems.Add(exception.Message);
            return default;
        }
    }

    /// <summary>True when the field is present and not null.</summary>
    public bool Has(string key) => _settings.GetRaw(key) is { } raw && raw != "null";

    /// <summary>Records a problem when both fields are set.</summary>
    public void Exclusive(string first, string second)
    {
        if (Has(first) && Has(second))
        {
            Problem(second, $"cannot be set together with {first}");
        }
    }

    /// <summary>Records that <paramref name="key"/> has <paramref name="problem"/>.</summary>
    public void Problem(string key, string problem) => Problems.Add(new ProviderSettingException(template.Id.Value, key, problem).Message);
}
