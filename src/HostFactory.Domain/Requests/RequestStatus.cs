using HostFactory.Domain.Common;

namespace HostFactory.Domain.Requests;

/// <summary>
/// Where a request is in its life. Which moves are allowed, for which kind, is written in
/// <see cref="RequestTransitions"/>; Host Factory sees these through <see cref="HostFactoryWords"/>.
/// </summary>
public enum RequestStatus
{
    /// <summary>Accepted, nothing started yet.</summary>
    Pending,

    /// <summary>Acquire only: the provider is making machines.</summary>
    Provisioning,

    /// <summary>Return only: the provider is releasing machines.</summary>
    Releasing,

    /// <summary>Final: every machine reached its goal.</summary>
    Completed,

    /// <summary>Final: finished, but some machine did not reach its goal.</summary>
    CompletedWithErrors,

    /// <summary>Final: the request failed as a whole.</summary>
    Failed,

    /// <summary>Final, acquire only: cancelled before it finished.</summary>
    Cancelled,

    /// <summary>Final: the deadline passed before the request finished.</summary>
    TimedOut,
}

/// <summary>
/// The one spelling of <see cref="RequestStatus"/> in storage, logs and exception messages:
/// <c>pending provisioning releasing completed completed_with_errors failed cancelled timed_out</c>.
/// (Host Factory's own words come from <see cref="HostFactoryWords"/>.)
/// </summary>
public static class RequestStatusWords
{
    private static readonly WordTable<RequestStatus> Table = new(
        (RequestStatus.Pending, "pending"),
        (RequestStatus.Provisioning, "provisioning"),
        (RequestStatus.Releasing, "releasing"),
        (RequestStatus.Completed, "completed"),
        (RequestStatus.CompletedWithErrors, "completed_with_errors"),
        (RequestStatus.Failed, "failed"),
        (RequestStatus.Cancelled, "cancelled"),
        (RequestStatus.TimedOut, "timed_out"));

    /// <summary>The word for <paramref name="status"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not a defined value.</exception>
    public static string ToWord(RequestStatus status) => Table.ToWord(status);

    /// <summary>Reads a word (case-sensitive); false for anything else, including null.</summary>
    public static bool TryParse(string? word, out RequestStatus status) => Table.TryParse(word, out status);
}
