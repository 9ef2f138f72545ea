using System.Text;

namespace HostFactory.Storage.Postgres.Rows;

/// <summary>
/// The one spelling of every host name that matches another ignoring case (DNS names are case-insensitive): each
/// character's invariant upper case, then ASCII letters in lower case; null for a blank name, which never matches.
/// Stored in <c>machines.host_key</c> and searched there, so the lookup does not depend on the database's locale.
/// </summary>
internal static class HostKey
{
    public static string? Of(string? hostName)
    {
        if (string.IsNullOrWhiteSpace(hostName))
        {
            return null;
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
