using System.Globalization;

namespace HostFactory.Providers.Aws.Tests.Emulator;

/// <summary>
/// The parameters of an EC2 Query request (form fields), with the protocol's list and structure conventions:
/// <c>InstanceId.1</c>, <c>Filter.1.Name</c>, <c>Filter.1.Value.1</c>, <c>TagSpecification.1.Tag.1.Key</c>.
/// </summary>
public sealed class QueryParameters(IReadOnlyDictionary<string, string> values)
{
    /// <summary>Every parameter as sent.</summary>
    public IReadOnlyDictionary<string, string> Values => values;

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public string? this[string key] => values.TryGetValue(key, out var value) ? value : null;

    /// <summary>An integer parameter, or null.</summary>
    public int? Int(string key) => this[key] is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    /// <summary>A number parameter, or null.</summary>
    public double? Number(string key) => this[key] is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : null;

    /// <summary>The values of a list of scalars: <c>prefix.1</c>, <c>prefix.2</c>, … in order.</summary>
    public IReadOnlyList<string> List(string prefix) =>
        [.. Indexes(prefix).Select(i => this[$"{prefix}.{i.ToString(CultureInfo.InvariantCulture)}"]).OfType<string>()];

    /// <summary>The members of a list of structures: <c>prefix.N.field</c> becomes <c>field</c> of member N.</summary>
    public IReadOnlyList<QueryParameters> Members(string prefix) =>
        [.. Indexes(prefix).Select(i => Structure($"{prefix}.{i.ToString(CultureInfo.InvariantCulture)}"))];

    /// <summary>The fields of a structure: <c>prefix.field</c> becomes <c>field</c>.</summary>
    public QueryParameters Structure(string prefix) =>
        new(values.Where(p => p.Key.StartsWith(prefix + ".", StringComparison.Ordinal))
            .ToDictionary(p => p.Key[(prefix.Length + 1)..], p => p.Value, StringComparer.Ordinal));

    /// <summary>True when any parameter starts with <paramref name="prefix"/>.</summary>
    public bool Has(string prefix) => values.Keys.Any(k => k == prefix || k.StartsWith(prefix + ".", StringComparison.Ordinal));

    private IEnumerable<int> Indexes(string prefix) =>
        values.Keys
            .Where(k => k.StartsWith(prefix + ".", StringComparison.Ordinal))
            .Select(k => k[(prefix.Length + 1)..].Split('.')[0])
            .Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1)
            .Where(i => i > 0)
            .Distinct()
            .Order();
}
