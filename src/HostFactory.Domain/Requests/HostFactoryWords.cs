// The methods below are named after the protocol fields, so the enum types need other names here.
using Kind = HostFactory.Domain.Requests.RequestKind;
using MStatus = HostFactory.Domain.Machines.MachineStatus;
using RStatus = HostFactory.Domain.Requests.RequestStatus;

namespace HostFactory.Domain.Requests;

/// <summary>
/// The only mapping from our states to the Host Factory protocol's words. Adapters print these
/// and never spell protocol words themselves.
/// </summary>
public static class HostFactoryWords
{
    /// <summary>Request <c>status</c>: still in progress.</summary>
    public const string Running = "running";

    /// <summary>Request <c>status</c>: finished, every machine reached its result.</summary>
    public const string Complete = "complete";

    /// <summary>Request <c>status</c>: finished with a failure (or unknown request).</summary>
    public const string CompleteWithError = "complete_with_error";

    /// <summary>Machine <c>result</c>: not there yet.</summary>
    public const string Executing = "executing";

    /// <summary>Machine <c>result</c>: reached its goal.</summary>
    public const string Succeed = "succeed";

    /// <summary>Machine <c>result</c>: can never reach its goal.</summary>
    public const string Fail = "fail";

    /// <summary>
    /// The request <c>status</c> Host Factory sees: <c>running</c> while pending, provisioning or
    /// releasing; <c>complete</c> when completed; <c>complete_with_error</c> for every other final status.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not a defined value.</exception>
    public static string RequestStatus(RStatus status) => status switch
    {
        RStatus.Pending or RStatus.Provisioning or RStatus.Releasing => Running,
        RStatus.Completed => Complete,
        RStatus.CompletedWithErrors or RStatus.Failed or RStatus.Cancelled or RStatus.TimedOut => CompleteWithError,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a defined request status."),
    };

    /// <summary>
    /// The machine <c>result</c> Host Factory sees for a machine of a request of <paramref name="kind"/>.
    /// Acquire: pending/unknown → <c>executing</c>; running → <c>succeed</c>; failed → <c>fail</c>;
    /// stopping/stopped/shutting-down/terminated → <c>succeed</c> when the machine was handed over and
    /// later returned (<paramref name="returnStarted"/>), else <c>fail</c> (it died before becoming
    /// usable or was lost). Return: terminated → <c>succeed</c>; failed → <c>fail</c>; else <c>executing</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An enum argument is not a defined value.</exception>
    public static string MachineResult(Kind kind, MStatus status, bool returnStarted) => (kind, status) switch
    {
        (Kind.Acquire, MStatus.Pending or MStatus.Unknown) => Executing,
        (Kind.Acquire, MStatus.Running) => Succeed,
        (Kind.Acquire, MStatus.Failed) => Fail,
        (Kind.Acquire, MStatus.Stopping or MStatus.Stopped or MStatus.ShuttingDown or MStatus.Terminated) =>
            returnStarted ? Succeed : Fail,
        (Kind.Return, MStatus.Terminated) => Succeed,
        (Kind.Return, MStatus.Failed) => Fail,
        (Kind.Return, MStatus.Pending or MStatus.Running or MStatus.Stopping or MStatus.Stopped or MStatus.ShuttingDown or MStatus.Unknown) => Executing,
        (Kind.Acquire or Kind.Return, _) => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a defined machine status."),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a defined request kind."),
    };

    /// <summary>
    /// The optional machine <c>status</c> Host Factory sees: <c>pending running stopping stopped
    /// shutting-down terminated</c>. Failed and Unknown have no protocol word and map to null (the
    /// field is then left out), so no word outside the protocol leaks; the <c>result</c> and
    /// <c>message</c> carry what happened.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not a defined value.</exception>
    public static string? MachineStatusWord(MStatus status) => status switch
    {
        MStatus.Pending => "pending",
        MStatus.Running => "running",
        MStatus.Stopping => "stopping",
        MStatus.Stopped => "stopped",
        MStatus.ShuttingDown => "shutting-down",
        MStatus.Terminated => "terminated",
        MStatus.Failed or MStatus.Unknown => null,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a defined machine status."),
    };
}
