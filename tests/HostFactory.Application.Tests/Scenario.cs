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

    /// <summary>The machines made for <paramref name="id"/> or returned by it, from whichever store the host uses.</summary>
    public static Task<IReadOnlyList<MachineSnapshot>> MachinesOfAsync(this HostFactoryTestHost host, RequestId id) =>
        host.MachineReader.ListByRequestAsync(id, default);

    /// <summary>Every stored machine, oldest first, from whichever store the host uses.</summary>
    public static async Task<IReadOnlyList<MachineSnapshot>> AllMachinesAsync(this HostFactoryTestHost host) =>
        (await host.MachineReader.ListAsync(new MachineFilter(null, null, null, Limit: 1000), default)).Items;

    /// <summary>Every stored request, oldest first, from whichever store the host uses.</summary>
    public static async Task<IReadOnlyList<RequestSnapshot>> AllRequestsAsync(this HostFactoryTestHost host) =>
        (await host.RequestReader.ListAsync(new RequestFilter(null, null, null, Limit: 1000), default)).Items;

    /// <summary>The stored request, from whichever store the host uses.</summary>
    public static async Task<RequestSnapshot> StoredAsync(this HostFactoryTestHost host, RequestId id) =>
        await host.RequestReader.GetAsync(id, default) ?? throw new InvalidOperationException($"Request {id} is not stored.");

    /// <summary>A template and <paramref name="count"/> machines that are running, their acquire request complete.</summary>
    public static async Task<(RequestId RequestId, IReadOnlyList<MachineSnapshot> Machines)> RunningMachinesAsync(
        this HostFactoryTestHost host, int count, string templateId = TestTemplates.DefaultId)
    {
        if (await host.TemplateReader.GetAsync(new Domain.Templates.TemplateId(templateId), default) is null)
        {
            await host.CreateTemplateAsync(TestTemplates.Definition(templateId));
        }

        var request = await host.RequestAsync(count, templateId);
        await host.SyncAsync(request.RequestId);
        (await host.StoredAsync(request.RequestId)).Status.Should().Be(RequestStatus.Completed, "the set-up expects running machines");
        return (request.RequestId, await host.MachinesOfAsync(request.RequestId));
    }
}
