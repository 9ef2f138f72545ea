namespace HostFactory.Domain.Common;

/// <summary>
/// A two-way map between the values of an enum and their wire words; the public
/// <c>*Words</c> classes each hold one. It refuses to exist unless every value has exactly one
/// word, so a new enum value cannot silently lack a spelling.
/// </summary>
internal sealed class WordTable<TEnum>
    where TEnum : struct, Enum
{
    private readonly Dictionary<TEnum, string> _words;
    private readonly Dictionary<string, TEnum> _values;

    public WordTable(params (TEnum Value, string Word)[] pairs)
    {
        _words = pairs.ToDictionary(p => p.Value, p => p.Word);
        _values = pairs.ToDictionary(p => p.Word, p => p.Value, StringComparer.Ordinal);
        var missing = Enum.GetValues<TEnum>().Where(v => !_words.ContainsKey(v)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException($"{typeof(TEnum).Name} has no word for: {string.Join(", ", missing)}.");
        }
    }

    public string ToWord(TEnum value) =>
        _words.TryGetValue(value, out var word)
            ? word
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a defined {typeof(TEnum).Name}.");

    public bool TryParse(string? word, out TEnum value)
    {
        if (word is not null && _values.TryGetValue(word, out value))
        {
            return true;
        }

        value = default;
        return false;
    }
}
