namespace HostFactory.Common;

/// <summary>
/// 32-bit FNV-1a over UTF-16 code units: the same value in every process and every run, unlike
/// <c>string.GetHashCode</c>, which .NET randomises per process. What names a lock file, a lock key or a socket that
/// several processes must agree on is hashed with this one function; changing it would make processes of two versions
/// disagree, so its values are pinned by tests.
/// </summary>
/// <remarks>A source file linked into each project that needs it (see <c>src/Common/README.md</c>).</remarks>
internal struct StableHash
{
    private const uint OffsetBasis = 2166136261u;
    private const uint Prime = 16777619u;

    private uint _value;

    /// <summary>An empty hash, ready for <see cref="Add(ReadOnlySpan{char})"/>.</summary>
    public StableHash() => _value = OffsetBasis;

    /// <summary>The hash of everything added so far.</summary>
    public readonly uint Value => _value;

    /// <summary>The hash of <paramref name="text"/> alone.</summary>
    public static uint Of(ReadOnlySpan<char> text)
    {
        var hash = new StableHash();
        hash.Add(text);
        return hash.Value;
    }

    /// <summary>Adds one code unit.</summary>
    public void Add(char c) => _value = (_value ^ c) * Prime;

    /// <summary>Adds every code unit of <paramref name="text"/>, in order.</summary>
    public void Add(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            Add(c);
        }
    }
}
