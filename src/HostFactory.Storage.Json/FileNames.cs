using System.Security.Cryptography;
using System.Text;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;

namespace HostFactory.Storage.Json;

/// <summary>
/// The only place where a value becomes part of a path. Ids are checked against a strict whitelist (the domain's ids
/// already follow it; the check stops a default or future id from escaping the directory); host names, which are free
/// text, are escaped instead.
/// </summary>
internal static class FileNames
{
    public const int MaxIdLength = 128;
    public const string IdRule = "a storage file name of 1 to 128 characters of 0-9 A-Z a-z - _ (no path separators, dots or control characters)";

    // Longer escaped host names are hashed so one index directory name stays well below NAME_MAX (255 bytes).
    private const int MaxHostKeyLength = 200;

    /// <summary>Returns <paramref name="value"/> when it is safe as a file name, else throws naming the id kind and the rule.</summary>
    /// <exception cref="InvalidIdentifierException">The value is null, empty, too long or has a character outside the whitelist.</exception>
    public static string CheckId(string idKind, string? value) =>
        IsSafeId(value) ? value! : throw new InvalidIdentifierException(idKind, value, IdRule);

    public static bool IsSafeId(string? value) =>
        value is { Length: > 0 and <= MaxIdLength } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// The directory name of a host name in <c>indexes/machines-by-host</c>: the name's <see cref="HostNames.Key"/> (one
    /// spelling for every case of it, since host names match ignoring case), escaped by <see cref="EscapeHostName"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="hostName"/> is blank (such a name is never indexed).</exception>
    public static string HostKey(string hostName) => EscapeHostName(HostNames.Key(hostName));

    /// <summary>
    /// A host name as a directory name: letters, digits, <c>- _ .</c> kept (a leading dot escaped), every other UTF-8 byte
    /// written <c>%XX</c>; past 200 characters <c>~</c> and the SHA-256 of the name. Readers compare the machine's host
    /// name with the one asked for, so a hash collision can only cost a read. Applied to the name as recorded (not its
    /// key), this is where stores written before host names matched ignoring case put their entries.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="hostName"/> is empty.</exception>
    public static string EscapeHostName(string hostName)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostName);
        var bytes = Encoding.UTF8.GetBytes(hostName);
        var key = new StringBuilder(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var keep = b < 0x80 && (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' || (b == (byte)'.' && i > 0));
            if (keep)
            {
                key.Append((char)b);
            }
            else
            {
                key.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return key.Length <= MaxHostKeyLength
            ? key.ToString()
            : "~" + Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
