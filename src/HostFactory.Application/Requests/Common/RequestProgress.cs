using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;

namespace HostFactory.Application.Requests.Common;

/// <summary>
/// What a request's machines mean for the request: each machine's Host Factory result from the request's point of
/// view, and whether the request is done. Shared by the commands that advance requests and the status query, so
/// Host Factory is told exactly what the state machine decided.
/// </summary>
internal static class RequestProgress
{
    private const int MaxListedMachines = 5;

    /// <summary>
    /// The machine's <c>result</c> for a request of <paramref name="kind"/>: the domain's mapping, except that a
    /// machine of a return request that is no longer returning and not terminated has failed for that request (the
    /// provider refused to release it).
    /// </summary>
    public static string MachineResult(RequestKind kind, MachineSnapshot machine) =>
        kind == RequestKind.Return && machine.ReturnRequestId is null && machine.Status != MachineStatus.Terminated
            ? HostFactoryWords.Fail
            : HostFactoryWords.MachineResult(kind, machine.Status, returnStarted: machine.ReturnRequestId is not null);

    /// <summary>The machine's <c>message</c>: its own, or for a failure without one, a sentence saying what happened (the protocol requires one).</summary>
    public static string MachineMessage(MachineSnapshot machine, string result) =>
        result == HostFactoryWords.Fail && string.IsNullOrWhiteSpace(machine.Message)
            ? $"The machine is {MachineStatusWords.ToWord(machine.Status)} and will not become usable."
            : machine.Message;

    /// <summary>
    /// Moves a provisioning or releasing request on when its machines say it is done: Completed when every machine
    /// reached its goal (and, for acquire, as many as asked for exist), CompletedWithErrors when every machine reached
    /// a final result but some failed or too few exist, TimedOut when neither holds and the deadline has passed.
    /// </summary>
    /// <param name="request">The request; pending and finished requests are left alone.</param>
    /// <param name="machines">The current state of its machines.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>True when the request changed.</returns>
    public static bool Advance(Request request, IReadOnlyCollection<MachineSnapshot> machines, TimeProvider clock)
    {
        if (request.IsFinished || request.Status == RequestStatus.Pending)
        {
            return false;
        }

        var results = machines.Select(m => (Machine: m, Result: MachineResult(request.Kind, m))).ToList();
        if (results.TrueForAll(r => r.Result != HostFactoryWords.Executing))
        {
            var failed = results.Where(r => r.Result == HostFactoryWords.Fail).Select(r => r.Machine).ToList();
            var shortfall = request.Kind == RequestKind.Acquire && machines.Count < request.RequestedCount;
            if (failed.Count == 0 && !shortfall)
            {
                request.Complete(clock);
            }
            else
            {
                request.CompleteWithErrors(DescribeErrors(request, machines.Count, failed), clock);
            }

            return true;
        }

        if (request.IsPastDeadline(clock.GetUtcNow()))
        {
            request.TimeOut(clock);
            return true;
        }

        return false;
    }

    /// <summary>
    /// The machines a request names, in its order: for an acquire request those recorded on it (not extras a provider
    /// made beyond the count), for a return request those it set out to return (some may since have left it, so
    /// "machines pointing at the request" is not the same list). <paramref name="listed"/> (the store's machines of the
    /// request) serves most; the rest are loaded one by one.
    /// </summary>
    public static async Task<List<T>> NamedMachinesAsync<T>(IReadOnlyList<MachineId> ids, IReadOnlyList<T> listed, Func<T, MachineId> idOf, Func<MachineId, Task<T?>> load)
        where T : class
    {
        var named = new List<T>(ids.Count);
        foreach (var id in ids)
        {
            if ((listed.FirstOrDefault(m => idOf(m) == id) ?? await load(id)) is { } machine)
            {
                named.Add(machine);
            }
        }

        return named;
    }

    private static string DescribeErrors(Request request, int machineCount, List<MachineSnapshot> failed)
    {
        var parts = new List<string>();
        if (request.Kind == RequestKind.Acquire && machineCount < request.RequestedCount)
        {
            parts.Add($"Only {machineCount} of {request.RequestedCount} machine(s) were made.");
        }

        if (failed.Count > 0)
        {
            var what = request.Kind == RequestKind.Acquire ? "failed" : "could not be released";
            var listed = string.Join("; ", failed.Take(MaxListedMachines).Select(m => $"{m.Id}: {MachineMessage(m, HostFactoryWords.Fail)}"));
            var more = failed.Count > MaxListedMachines ? $"; and {failed.Count - MaxListedMachines} more" : string.Empty;
            parts.Add($"{failed.Count} machine(s) {what}: {listed}{more}.");
        }

        return string.Join(" ", parts);
    }
}
