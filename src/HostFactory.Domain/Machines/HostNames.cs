using System.Text;

namespace HostFactory.Domain.Machines;

/// <summary>
/// How a host name Host Factory gives back is matched with the host names recorded on machines, the one rule every
/// store follows: host names are DNS names, which are case-insensitive, so they are compared ordinally ignoring case
/// (<c>host-a.example</c> finds <c>Host-A.Example</c>); an empty or blank host name never matches anything (a machine
/// whose provider gave no name yet is found by its id, not by "").
/// </summary>
public static class HostNames
{
    /// <summary>The comparison of two host names: <see cref="StringComparison.OrdinalIgnoreCase"/>.</summary>
    public const StringComparison Comparison = StringComparison.OrdinalIgnoreCase;

    /// <summary>True when <paramref name="hostName"/> is null, empty or only white space: such a name never matches.</summary>
    /// <param name="hostName">A host name.</param>
    public static bool IsBlank(string? hostName) => string.IsNullOrWhiteSpace(hostName);

    /// <summary>True when <paramref name="recorded"/> (a machine's host name) is the host <paramref name="asked"/> for.</summary>
    /// <param name="recorded">The host name recorded on a machine.</param>
    /// <param name="asked">The host name looked for.</param>
    /// <returns>False when either is blank; otherwise whether they are equal ignoring case.</returns>
    public static bool Match(string? recorded, string? asked) =>
        !IsBlank(recorded) && !IsBlank(asked) && string.Equals(recorded, asked, Comparison);

    /// <summary>
    /// The one spelling of every host name that <see cref="Match"/> finds equal, for stores that look host names up by
    /// key (a file name, an index column): each character's invariant upper case, then ASCII letters in lower case, so
    /// the usual DNS name keeps its usual spelling (<c>Host-A.Example</c> gives <c>host-a.example</c>).
    /// </summary>
    /// <param name="hostName">A host name that is not blank.</param>
    /// <returns>The key; two names have the same key when they match (and, rarely, when they differ only in exotic letters).</returns>
    /// <exception cref="ArgumentException"><paramref name="hostName"/> is blank.</exception>
    public static string Key(string hostName)
    {
        if (IsBlank(hostName))
        {
            throw new ArgumentException("A blank host name has no key: it never matches a machine.", nameof(hostName));
        }

        var key = new StringBuilder(hostName.Length);
        foreach (var rune in hostName.EnumerateRunes())
        {
            var upper = Rune.ToUpperInvariant(rune);
            key.Append((upper.IsAscii ? Rune.ToLowerInvariant(upper) : upper).ToString());
        }

        return key.ToString();
    }
}
