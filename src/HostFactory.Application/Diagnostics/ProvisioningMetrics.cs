using System.Diagnostics;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;

namespace HostFactory.Application.Diagnostics;

/// <summary>Records the provisioning instruments of <see cref="HostFactoryDiagnostics"/> where the handlers see things happen.</summary>
internal static class ProvisioningMetrics
{
    /// <summary>Records how long <paramref name="machine"/> took to run since <paramref name="request"/> was made, if it runs now and did not before.</summary>
    public static void MachineCameUp(Request request, MachineStatus before, Machine machine)
    {
        if (before == MachineStatus.Running || machine.Status != MachineStatus.Running || !HostFactoryDiagnostics.ProvisionDuration.Enabled)
        {
            return;
        }

        var seconds = Math.Max(0, (machine.UpdatedAt - request.CreatedAt).TotalSeconds);
        HostFactoryDiagnostics.ProvisionDuration.Record(
            seconds,
            new KeyValuePair<string, object?>(HostFactoryDiagnostics.TemplateTag, machine.TemplateId.Value),
            new KeyValuePair<string, object?>(HostFactoryDiagnostics.ProviderTag, machine.ProviderName));
    }

    /// <summary>Counts <paramref name="request"/>, which just reached its final status.</summary>
    public static void RequestFinished(Request request)
    {
        if (!HostFactoryDiagnostics.RequestsFinished.Enabled || !request.IsFinished)
        {
            return;
        }

        var tags = new TagList
        {
            { HostFactoryDiagnostics.RequestKindTag, request.Kind == RequestKind.Acquire ? "acquire" : "return" },
            { HostFactoryDiagnostics.RequestOutcomeTag, Outcome(request.Status) },
        };
        if (request.TemplateId is { } template)
        {
            tags.Add(HostFactoryDiagnostics.TemplateTag, template.Value);
        }

        HostFactoryDiagnostics.RequestsFinished.Add(1, tags);
    }

    /// <summary>Counts <paramref name="machine"/>, which its provider took back on its own.</summary>
    public static void MachineReclaimed(Machine machine) =>
        HostFactoryDiagnostics.MachinesReclaimed.Add(
            1,
            new KeyValuePair<string, object?>(HostFactoryDiagnostics.TemplateTag, machine.TemplateId.Value),
            new KeyValuePair<string, object?>(HostFactoryDiagnostics.ProviderTag, machine.ProviderName));

    /// <summary>Tags the current span (the bus dispatch, when traced) with the request a call made or works on.</summary>
    public static void TagRequest(RequestId id) => Activity.Current?.SetTag(HostFactoryDiagnostics.RequestIdTag, id.Value);

    /// <summary>The outcome tag's word for a final status.</summary>
    internal static string Outcome(RequestStatus status) => status switch
    {
        RequestStatus.Completed => "complete",
        RequestStatus.CompletedWithErrors => "complete_with_error",
        RequestStatus.TimedOut => "timed_out",
        RequestStatus.Cancelled => "cancelled",
        RequestStatus.Failed => "failed",
        _ => RequestStatusWords.ToWord(status),
    };
}
