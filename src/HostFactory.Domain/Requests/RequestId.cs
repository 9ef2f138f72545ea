using HostFactory.Domain.Common;

namespace HostFactory.Domain.Requests;

/// <summary>
/// The id of a request: <c>req-&lt;uuid&gt;</c> for acquire requests, <c>ret-&lt;uuid&gt;</c> for
/// return requests, the uuid in lowercase "D" format. The prefix decides <see cref="Kind"/>.
/// A <c>default</c> value is not a valid id.
/// </summary>
public readonly record struct RequestId
{
    private const string AcquirePrefix = "req-";
    private const string ReturnPrefix = "ret-";
    private const string IdKind = "request id";

    private RequestId(string value, RequestKind kind)
    {
        Value = value;
        Kind = kind;
    }

    /// <summary>The id text.</summary>
    public string Value { get; }

    /// <summary>Whether this is an acquire or a return request, as told by the prefix.</summary>
    public RequestKind Kind { get; }

    /// <summary>A new random acquire id (<c>req-…</c>). Never throws.</summary>
    public static RequestId NewAcquire() => new(IdentifierRules.NewPrefixed(AcquirePrefix), RequestKind.Acquire);

    /// <summary>A new random return id (<c>ret-…</c>). Never throws.</summary>
    public static RequestId NewReturn() => new(IdentifierRules.NewPrefixed(ReturnPrefix), RequestKind.Return);

    /// <summary>Reads an id.</summary>
    /// <exception cref="InvalidIdentifierException">
    /// <paramref name="value"/> is not <c>req-</c> or <c>ret-</c> followed by a lowercase uuid.
    /// </exception>
    public static RequestId Parse(string? value) =>
        TryParse(value, out var id)
            ? id
            : throw new InvalidIdentifierException(IdKind, value, $"{IdentifierRules.PrefixedUuidRule(AcquirePrefix)}, or the same with '{ReturnPrefix}'");

    /// <summary>Reads an id without throwing.</summary>
    /// <returns>True when <paramref name="value"/> is a valid request id.</returns>
    public static bool TryParse(string? value, out RequestId id)
    {
        if (IdentifierRules.IsPrefixedUuid(value, AcquirePrefix))
        {
            id = new RequestId(value!, RequestKind.Acquire);
            return true;
        }

        if (IdentifierRules.IsPrefixedUuid(value, ReturnPrefix))
        {
            id = new RequestId(value!, RequestKind.Return);
            return true;
        }

        id = default;
        return false;
    }

    /// <summary>The id text (empty for <c>default</c>).</summary>
    public override string ToString() => Value ?? string.Empty;
}
