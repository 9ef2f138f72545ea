namespace HostFactory.Domain.Common;

/// <summary>The two shapes of identifier the domain uses, checked in one place.</summary>
internal static class IdentifierRules
{
    public const int MaxNameLength = 64;
    public const string NameRule = "1 to 64 characters of 0-9 A-Z a-z - _";

    /// <summary>True when <paramref name="value"/> is 1–64 chars of <c>0-9 A-Z a-z - _</c> (template ids, provider names).</summary>
    public static bool IsValidName(string? value) =>
        value is { Length: > 0 and <= MaxNameLength } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The rule text for an id made of <paramref name="prefix"/> and a lowercase UUID.</summary>
    public static string PrefixedUuidRule(string prefix) =>
        $"'{prefix}' followed by a lowercase UUID such as {prefix}0f8fad5b-d9cb-469f-a165-70867728950e";

    /// <summary>
    /// True when <paramref name="value"/> is <paramref name="prefix"/> followed by a UUID in
    /// lowercase "D" format, exactly as <see cref="NewPrefixed"/> writes it.
    /// </summary>
    public static bool IsPrefixedUuid(string? value, string prefix)
    {
        if (value is null || !value.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var uuid = value.AsSpan(prefix.Length);
        // Round-tripping rejects upper case and braces, so each id has exactly one spelling.
        return Guid.TryParseExact(uuid, "D", out var guid) && uuid.SequenceEqual(guid.ToString("D"));
    }

    /// <summary>A new id: <paramref name="prefix"/> and a random lowercase UUID.</summary>
    public static string NewPrefixed(string prefix) => prefix + Guid.NewGuid().ToString("D");
}
