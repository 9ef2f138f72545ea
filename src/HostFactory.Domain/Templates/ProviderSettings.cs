namespace HostFactory.Domain.Templates;

/// <summary>
/// Provider-specific template settings the domain carries but never interprets: each key maps to
/// the raw JSON text of its value (e.g. <c>imageId</c> → <c>"ami-1"</c> with its quotes). Only the
/// provider named by the template reads them. Immutable; equal when the same keys hold the same texts.
/// </summary>
public sealed class ProviderSettings : IEquatable<ProviderSettings>
{
    private readonly Dictionary<string, string?> _values;

    /// <summary>Creates the settings from a copy of <paramref name="values"/> (keys compared ordinally).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException">A key is empty.</exception>
    public ProviderSettings(IReadOnlyDictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new Dictionary<string, string?>(values, StringComparer.Ordinal);
        if (_values.Keys.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Provider setting keys must not be empty.", nameof(values));
        }
    }

    /// <summary>No settings.</summary>
    public static ProviderSettings Empty { get; } = new(new Dictionary<string, string?>());

    /// <summary>Every key with the raw JSON text of its value.</summary>
    public IReadOnlyDictionary<string, string?> Values => _values;

    /// <summary>Looks up the raw JSON text stored for <paramref name="key"/>; never throws.</summary>
    /// <returns>True when the key is present.</returns>
    public bool TryGetRaw(string key, out string? rawJson) => _values.TryGetValue(key, out rawJson);

    /// <summary>True when both hold the same keys with ordinally equal texts.</summary>
    public bool Equals(ProviderSettings? other) =>
        other is not null
        && _values.Count == other._values.Count
        && _values.All(pair => other._values.TryGetValue(pair.Key, out var value) && string.Equals(value, pair.Value, StringComparison.Ordinal));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ProviderSettings);

    /// <summary>A hash consistent with <see cref="Equals(ProviderSettings?)"/>, independent of key order.</summary>
    public override int GetHashCode()
    {
        var hash = 0;
        foreach (var (key, value) in _values)
        {
            // XOR keeps the hash independent of the dictionary's enumeration order.
            hash ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(key), value is null ? 0 : StringComparer.Ordinal.GetHashCode(value));
        }

        return hash;
    }
}
