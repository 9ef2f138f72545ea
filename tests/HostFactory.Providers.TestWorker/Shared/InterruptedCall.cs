using HostFactory.Application.Requests;
using HostFactory.Application.Templates;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Testing;

namespace HostFactory.Providers.Testing;

/// <summary>
/// A requestMachines call that dies part-way, with a real provider. The application runs over the test kit (in-memory
/// stores, a manual clock) with the provider under test registered. <see cref="SavePendingAsync"/> saves a pending
/// acquire request as requestMachines does before it calls the provider; <see cref="KillAsync"/> runs that provider
/// call in the test worker (a process of its own, as a Host Factory call is) under the request's key and SIGKILLs it at
/// the chosen step; <see cref="RecoverAsync"/> is the first status call once the call cannot be running any more.
/// </summary>
public sealed class InterruptedCall : IAsyncDisposable
{
    private static readonly TimeSpan CallLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private readonly TemplateId _templateId;

    private InterruptedCall(HostFactoryTestHost host, TemplateId templateId)
    {
        Host = host;
        _templateId = templateId;
    }

    public HostFactoryTestHost Host { get; }

    /// <summary>The application with <paramref name="provider"/> registered as <paramref name="providerName"/> and a template for it.</summary>
    public static async Task<InterruptedCall> CreateAsync(string providerName, IMachineProvider provider, string templateId, IReadOnlyDictionary<string, string?> settings)
    {
        var host = HostFactoryTestHost.Create(options => options.ConfigureApplication = application => application.InterruptedCallGrace = Grace);
        host.Providers.CallLimit = CallLimit;
        host.Providers.Add(providerName, provider);
        await host.CreateTemplateAsync(new TemplateDefinition(templateId, providerName, 10, TestTemplates.Attributes(), new ProviderSettings(settings)));
        return new InterruptedCall(host, new TemplateId(templateId));
    }

    /// <summary>Saves a pending request for <paramref name="count"/> machines, as requestMachines does before it calls the provider.</summary>
    public async Task<Request> SavePendingAsync(int count)
    {
        var request = Request.CreateAcquire(_templateId, count, TimeSpan.FromMinutes(30), Host.Clock);
        await Host.Requests.SaveAsync(request, default);
        return request;
    }

    /// <summary>
    /// Runs the worker with <paramref name="arguments"/> and SIGKILLs it once <paramref name="killWhen"/> holds: it alone
    /// (what it started, a launcher or a program, lives on, as when only a script's own process is killed) or its whole
    /// tree (as Host Factory kills a script past its timeout). <paramref name="killWhen"/> must name a step where the
    /// call waits for the test, not one it passes on its way: <see cref="StepGate.Reached"/> of <paramref name="gate"/>,
    /// or a test's own hold (a lease command waiting for a file). The gate is released once the worker is dead.
    /// </summary>
    /// <returns>True when it was killed; false when it finished first (its answer is dropped: a caller dead after the provider answered).</returns>
    public static async Task<bool> KillAsync(string[] arguments, Func<bool> killWhen, bool wholeTree, StepGate? gate = null)
    {
        using var worker = Worker.Start(gate?.Environment, arguments);
        var output = worker.StandardOutput.ReadToEndAsync();
        var errors = worker.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!worker.HasExited)
        {
            if (killWhen())
            {
                worker.Kill(wholeTree);
                await worker.WaitForExitAsync();
                gate?.Release();
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                worker.Kill(entireProcessTree: true);
                throw new TimeoutException($"The worker neither finished nor reached the step within 60 s: {await errors}");
            }

            await Task.Delay(1);
        }

        await output;
        worker.ExitCode.Should().Be(0, await errors);
        return false;
    }

    /// <summary>Moves the clock past the longest call and runs the status sync of the request; returns it as saved.</summary>
    public async Task<RequestSnapshot> RecoverAsync(RequestId id)
    {
        Host.Clock.Advance(CallLimit + Grace);
        await Host.ExecuteAsync(new SyncRequests([id.Value]));
        return (await Host.Requests.GetAsync(id, default))!;
    }

    /// <summary>Runs the status sync of the request <paramref name="times"/> times; returns it as saved.</summary>
    public async Task<RequestSnapshot> SyncAsync(RequestId id, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            await Host.ExecuteAsync(new SyncRequests([id.Value]));
        }

        return (await Host.Requests.GetAsync(id, default))!;
    }

    /// <summary>The machines the store records for the request that are not terminated.</summary>
    public IReadOnlyList<MachineSnapshot> MachinesOf(RequestId id) =>
        Host.Machines.All.Where(m => m.RequestId == id && m.Status != MachineStatus.Terminated).ToList();

    /// <summary>Returns every machine of the request (requestReturnMachines) and syncs the return until it completes.</summary>
    public async Task ReturnAllAsync(RequestId id)
    {
        var machines = MachinesOf(id);
        if (machines.Count == 0)
        {
            return;
        }

        var returned = await Host.ExecuteAsync(new ReturnMachines([.. machines.Select(m => new MachineReference(m.HostName, m.Id.ToString()))]));
        var status = await SyncAsync(returned.RequestId);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (status.Status != RequestStatus.Completed && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            status = await SyncAsync(returned.RequestId);
        }

        status.Status.Should().Be(RequestStatus.Completed, status.Message);
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
