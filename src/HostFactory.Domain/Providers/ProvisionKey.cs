using System.Globalization;
using HostFactory.Domain.Requests;

namespace HostFactory.Domain.Providers;

/// <summary>
/// The idempotency key of a provision call: the acquire request it is for and which attempt of that request it is.
/// A provider asked again with a key it has already served returns the machines it made under that key and makes no
/// new ones; a new attempt number is how a retry asks for more. The first call for a request is attempt 0.
/// </summary>
/// <remarks>
/// <see cref="Value"/> is the key as text: the request id for attempt 0 (<c>req-…</c>), and <c>req-….N</c> for
/// attempt N. It is at most 44 ASCII characters, so it fits a cloud's client token (EC2 allows 64).
/// </remarks>
public readonly record struct ProvisionKey
{
    private const char Separator = '.';

    /// <summary>Creates the key of attempt <paramref name="attempt"/> for <paramref name="requestId"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="requestId"/> is not an acquire request id.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempt"/> is negative.</exception>
    public ProvisionKey(RequestId requestId, int attempt)
    {
        if (requestId.Value is null || requestId.Kind != RequestKind.Acquire)
        {
            throw new ArgumentException($"A provision key needs an acquire request id, not '{requestId}'.", nameof(requestId));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        RequestId = requestId;
        Attempt = attempt;
    }

    /// <summary>The acquire request the machines are for.</summary>
    public RequestId RequestId { get; }

    /// <summary>Which attempt for the request: 0 for the first call, more for each retry that had to make more.</summary>
    public int Attempt { get; }

    /// <summary>The key as text (see the remarks); empty for <c>default</c>.</summary>
    public string Value => RequestId.Value is null
        ? string.Empty
        : Attempt == 0 ? RequestId.Value : string.Create(CultureInfo.InvariantCulture, $"{RequestId.Value}{Separator}{Attempt}");

    /// <summary>Reads a key written by <see cref="Value"/> without throwing.</summary>
    /// <returns>True when <paramref name="value"/> is an acquire request id, optionally followed by <c>.N</c> with N ≥ 1.</returns>
    public static bool TryParse(string? value, out ProvisionKey key)
    {
        key = default;
        if (value is null)
        {
            return false;
        }

        var separator = value.IndexOf(Separator, StringComparison.Ordinal);
        var attempt = 0;
        if (separator >= 0
            && (!int.TryParse(value.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out attempt)
                || attempt < 1
                || value.AsSpan(separator + 1).StartsWith("0", StringComparison.Ordinal)))
        {
            return false;
        }

        if (!RequestId.TryParse(separator < 0 ? value : value[..separator], out var requestId) || requestId.Kind != RequestKind.Acquire)
        {
            return false;
        }

        key = new ProvisionKey(requestId, attempt);
        return true;
    }

    /// <summary>The key as text.</summary>
    public override string ToString() => Value;
}
