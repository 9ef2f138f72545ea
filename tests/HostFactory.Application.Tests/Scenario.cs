using HostFactory.Application.Requests;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Testing;

namespace HostFactory.Application.Tests;

/// <summary>Steps many tests share, each one real call through the buses.</summary>
internal static class Scenario
{
    public static ValueTask<RequestMachinesResult> RequestAsync(this HostFactoryTestHost host, int count, string templateId = TestTemplates.DefaultId) =>
        host.ExecuteAsync(new RequestMachines(templateId, count));

    public static ValueTask<SyncSummary> SyncAsync(this HostFactoryTestHost host, params RequestId[] ids) =>
        host.ExecuteAsync(new SyncRequests(ids.Select(id => id.Value).ToArray()));

    public static async Task<RequestStatusEntry> StatusAsync(this HostFactoryTestHost host, RequestId id) =>
        (await host.QueryAsync(new GetRequestStatus([id.Value]))).Single();

    public static IReadOnlyList<MachineSnapshot> MachinesOf(this HostFactoryTestHost host, RequestId id) =>
        host.Machines.All.Where(m => m.RequestId == id || m.ReturnRequestId == id).ToList();

    /// <summary>A template and <paramref name="count"/> machines that are running, their acquire request complete.</summary>
    public static async Task<(RequestId RequestId, IReadOnlyList<MachineSnapshot> Machines)> RunningMachinesAsync(
        this HostFactoryTestHost host, int count, string templateId = TestTemplates.DefaultId)
    {
        if (await host.Templates.FindAsync(new Domain.Templates.TemplateId(templateId), default) is null)
        {
            await host.CreateTemplateAsync(TestTemplates.Definition(templateId));
        }

        var request = await host.RequestAsync(count, templateId);
        await host.SyncAsync(request.RequestId);
        (await host.Requests.GetAsync(request.RequestId, default))!.Status.Should().Be(RequestStatus.Completed, "the set-up expects running machines");
        return (request.RequestId, host.MachinesOf(request.RequestId));
    }
}
