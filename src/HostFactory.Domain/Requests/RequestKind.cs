using HostFactory.Domain.Common;

namespace HostFactory.Domain.Requests;

/// <summary>What a request asks for.</summary>
public enum RequestKind
{
    /// <summary>New machines (<c>requestMachines</c>); ids start with <c>req-</c>.</summary>
    Acquire,

    /// <summary>Give machines back (<c>requestReturnMachines</c>); ids start with <c>ret-</c>.</summary>
    Return,
}

/// <summary>The one spelling of <see cref="RequestKind"/> outside the domain: <c>acquire</c>, <c>return</c>.</summary>
public static class RequestKindWords
{
    private static readonly WordTable<RequestKind> Table = new(
        (RequestKind.Acquire, "acquire"),
        (RequestKind.Return, "return"));

    /// <summary>The word for <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined value.</exception>
    public static string ToWord(RequestKind kind) => Table.ToWord(kind);

    /// <summary>Reads a word (case-sensitive); false for anything else, including null.</summary>
    public static bool TryParse(string? word, out RequestKind kind) => Table.TryParse(word, out kind);
}
