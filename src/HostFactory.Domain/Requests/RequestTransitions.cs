namespace HostFactory.Domain.Requests;

/// <summary>
/// The request state machine, per kind. A status that appears nowhere for a kind (an acquire
/// request <see cref="RequestStatus.Releasing"/>, a return request <see cref="RequestStatus.Cancelled"/>)
/// is illegal for it; final statuses go nowhere.
/// </summary>
public static class RequestTransitions
{
    private static readonly Dictionary<(RequestKind Kind, RequestStatus From), RequestStatus[]> Allowed = new()
    {
        [(RequestKind.Acquire, RequestStatus.Pending)] =
            [RequestStatus.Provisioning, RequestStatus.Failed, RequestStatus.Cancelled],
        [(RequestKind.Acquire, RequestStatus.Provisioning)] =
            [RequestStatus.Completed, RequestStatus.CompletedWithErrors, RequestStatus.Failed, RequestStatus.Cancelled, RequestStatus.TimedOut],
        [(RequestKind.Return, RequestStatus.Pending)] =
            [RequestStatus.Releasing, RequestStatus.Failed],
        [(RequestKind.Return, RequestStatus.Releasing)] =
            [RequestStatus.Completed, RequestStatus.CompletedWithErrors, RequestStatus.TimedOut],
    };

    /// <summary>True when a request of <paramref name="kind"/> may move from <paramref name="from"/> to <paramref name="to"/>. Never throws.</summary>
    public static bool IsAllowed(RequestKind kind, RequestStatus from, RequestStatus to) =>
        Allowed.TryGetValue((kind, from), out var targets) && targets.Contains(to);

    /// <summary>True when a request of <paramref name="kind"/> can ever be in <paramref name="status"/>. Never throws.</summary>
    public static bool IsReachable(RequestKind kind, RequestStatus status) =>
        status == RequestStatus.Pending
        || Allowed.Any(entry => entry.Key.Kind == kind && entry.Value.Contains(status));

    extension(RequestStatus status)
    {
        /// <summary>True for the final statuses, which no transition leaves.</summary>
        public bool IsFinished =>
            status is RequestStatus.Completed or RequestStatus.CompletedWithErrors
                or RequestStatus.Failed or RequestStatus.Cancelled or RequestStatus.TimedOut;
    }
}
