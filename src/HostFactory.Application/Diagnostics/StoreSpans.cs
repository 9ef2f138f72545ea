using System.Diagnostics;

namespace HostFactory.Application.Diagnostics;

/// <summary>
/// Runs one store operation in an internal span <c>store {operation} {subject}</c> (e.g. <c>store get request</c>),
/// tagged with the request or template it concerns and, on failure, <c>error.type</c> and status Error. The traced
/// stores (<c>TracedStores.cs</c>) call it only while someone listens (<see cref="Wanted"/>), so an untraced operation
/// goes straight to the store.
/// </summary>
internal static class StoreSpans
{
    /// <summary>Span attribute: how many machines a save writes together.</summary>
    public const string MachinesTag = "hostfactory.machines";

    /// <summary>True while a listener is attached to the HostFactory source: only then is a span worth starting.</summary>
    public static bool Wanted => HostFactoryDiagnostics.Source.HasListeners();

    /// <summary>
    /// Runs <paramref name="operation"/> in the span <paramref name="name"/>. <paramref name="requestOf"/> reads the
    /// request id from the result when the argument does not carry it (a machine found by its own id).
    /// </summary>
    public static async Task<T> TraceAsync<TArgument, T>(
        string name,
        StoreSpanTags tags,
        Func<TArgument, CancellationToken, Task<T>> operation,
        TArgument argument,
        CancellationToken cancellationToken,
        Func<T, string?>? requestOf = null)
    {
        using var span = HostFactoryDiagnostics.Source.StartActivity(name, ActivityKind.Internal);
        if (span is not null)
        {
            tags.ApplyTo(span);
        }

        try
        {
            var result = await operation(argument, cancellationToken);
            if (span is not null && requestOf?.Invoke(result) is { } requestId)
            {
                span.SetTag(HostFactoryDiagnostics.RequestIdTag, requestId);
            }

            return result;
        }
        catch (Exception exception)
        {
            span?.SetTag(HostFactoryDiagnostics.ErrorTypeTag, exception.GetType().FullName ?? exception.GetType().Name);
            span?.SetStatus(ActivityStatusCode.Error);
            throw;
        }
    }

    /// <summary>Like the other overload, for an operation without a result (a save, a delete).</summary>
    public static Task TraceAsync<TArgument>(
        string name,
        StoreSpanTags tags,
        Func<TArgument, CancellationToken, Task> operation,
        TArgument argument,
        CancellationToken cancellationToken) =>
        TraceAsync(
            name,
            tags,
            static async (state, token) =>
            {
                await state.operation(state.argument, token);
                return true;
            },
            (operation, argument),
            cancellationToken);
}

/// <summary>The attributes of a store span: what the operation concerns, when it is known before it runs.</summary>
/// <param name="RequestId">The request it reads or writes, or whose machines.</param>
/// <param name="TemplateId">The template it reads or writes, or whose machines it counts.</param>
/// <param name="Machines">How many machines it saves together.</param>
internal readonly record struct StoreSpanTags(string? RequestId = null, string? TemplateId = null, int? Machines = null)
{
    public void ApplyTo(Activity span)
    {
        if (RequestId is not null)
        {
            span.SetTag(HostFactoryDiagnostics.RequestIdTag, RequestId);
        }

        if (TemplateId is not null)
        {
            span.SetTag(HostFactoryDiagnostics.TemplateTag, TemplateId);
        }

        if (Machines is { } count)
        {
            span.SetTag(StoreSpans.MachinesTag, count);
        }
    }
}
