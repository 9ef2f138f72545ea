using System.Diagnostics;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;

namespace HostFactory.Application.Diagnostics;

/// <summary>
/// Spans of the store operations a command makes through <c>AggregateWriter</c>: <c>store {operation} {aggregate}</c>
/// (e.g. <c>store save request</c>), tagged with the request id when the aggregate is a request or belongs to one.
/// </summary>
internal static class StoreSpans
{
    /// <summary>Starts the span of <paramref name="operation"/> on <paramref name="aggregate"/>; null while nobody traces.</summary>
    public static Activity? Start<TId>(string operation, AggregateRoot<TId> aggregate)
        where TId : notnull
    {
        if (!HostFactoryDiagnostics.Source.HasListeners())
        {
            return null;
        }

        var (kind, requestId) = aggregate switch
        {
            Request request => ("request", request.Id.Value),
            Machine machine => ("machine", machine.RequestId.Value),
            _ => (aggregate.GetType().Name.ToLowerInvariant(), null),
        };
        var span = HostFactoryDiagnostics.Source.StartActivity($"store {operation} {kind}", ActivityKind.Internal);
        span?.SetTag(HostFactoryDiagnostics.RequestIdTag, requestId);
        return span;
    }

    /// <summary>Starts the span of saving <paramref name="machines"/> together; null while nobody traces.</summary>
    public static Activity? Start(string operation, IReadOnlyList<Machine> machines)
    {
        if (!HostFactoryDiagnostics.Source.HasListeners())
        {
            return null;
        }

        var span = HostFactoryDiagnostics.Source.StartActivity($"store {operation} machines", ActivityKind.Internal);
        span?.SetTag(HostFactoryDiagnostics.RequestIdTag, machines[0].RequestId.Value);
        span?.SetTag("hostfactory.machines", machines.Count);
        return span;
    }
}
