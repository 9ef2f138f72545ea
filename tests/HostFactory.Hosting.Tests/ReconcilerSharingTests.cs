using HostFactory.Application.Requests;
using HostFactory.Application.Templates;
using HostFactory.Configuration;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Providers.Testing;
using HostFactory.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Hosting.Tests;

/// <summary>
/// The reconciler and Host Factory's script calls over one JSON data directory at the same time, each with its own
/// storage instance as separate processes would have: every request still ends right and no machine is released twice.
/// </summary>
public sealed class ReconcilerSharingTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeMachineProvider _provider = new();

    [Fact]
    public async Task Reconciler_WhenScriptCallsRunAtTheSameTime_SharesTheStoreWithoutLosingOrRepeatingWork()
    {
        var paths = HostFactoryPathResolver.Resolve(static _ => null, Path.Combine(_directory.Path, "config", "hostfactory.json"), _directory.Path);
        await using var server = Build(paths, reconciler: true);
        await using var script = Build(paths, reconciler: false);
        await ExecuteAsync(script, new CreateTemplate(TestTemplates.Definition(maxNumber: -1)));
        var reconciler = server.GetRequiredService<HostFactoryReconciler>();

        using var stop = new CancellationTokenSource();
        var passes = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await reconciler.RunOnceAsync();
            }
        });

        // The script calls start only once the reconciler is under way: on a busy two-core machine the pool may not
        // have run it yet.
        using (var underWay = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (reconciler.CompletedPasses == 0)
            {
                await Task.Delay(5, underWay.Token);
            }
        }

        var cycles = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => CycleAsync(script))));
        await stop.CancelAsync();
        await passes;

        reconciler.CompletedPasses.Should().BeGreaterThan(1, "passes ran before, and while, the script calls ran");
        reconciler.LastPass!.Problems.Should().BeEmpty();
        var requests = (await QueryAsync(script, new ListRequests(Limit: 1000))).Items;
        requests.Should().HaveCount(8).And.OnlyContain(r => r.Status == RequestStatus.Completed, "every acquire and every return finished normally");
        var machines = (await QueryAsync(script, new Application.Machines.ListMachines(Limit: 1000))).Items;
        machines.Should().HaveCount(8).And.OnlyContain(m => m.Status == MachineStatus.Terminated);
        _provider.ReleasedMachines.Select(m => m.ProviderMachineId).Should().OnlyHaveUniqueItems("a machine is released once, whoever sees it first")
            .And.HaveCount(8);
        cycles.Should().OnlyContain(c => c == HostFactoryWords.Complete);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>What Host Factory does through the scripts: request, poll until done, return, poll until done.</summary>
    private static async Task<string> CycleAsync(ServiceProvider script)
    {
        var acquired = await ExecuteAsync(script, new RequestMachines(TestTemplates.DefaultId, 2));
        var status = await PollAsync(script, acquired.RequestId);
        var returned = await ExecuteAsync(script, new ReturnMachines([.. status.Machines.Select(m => new MachineReference(m.Machine.HostName))]));
        return (await PollAsync(script, returned.RequestId)).Status;
    }

    private static async Task<RequestStatusEntry> PollAsync(ServiceProvider script, RequestId id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await ExecuteAsync(script, new SyncRequests([id.Value]));
            var status = (await QueryAsync(script, new GetRequestStatus([id.Value]))).Single();
            if (status.Status != HostFactoryWords.Running || DateTime.UtcNow > deadline)
            {
                return status;
            }

            await Task.Delay(10);
        }
    }

    private static async Task<T> ExecuteAsync<T>(ServiceProvider services, ICommand<T> command)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(command);
    }

    private static async Task<T> QueryAsync<T>(ServiceProvider services, IQuery<T> query)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IQueryBus>().ExecuteAsync(query);
    }

    private ServiceProvider Build(HostFactoryPaths paths, bool reconciler)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["hostFactory:storage:dataDirectory"] = "data",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddHostFactory(configuration, paths);
        if (reconciler)
        {
            services.AddHostFactoryReconciler(configuration);
        }

        // Both "processes" talk to the same cloud.
        services.AddSingleton<IMachineProviderRegistry>(new FakeMachineProviderRegistry().Add(FakeMachineProvider.DefaultName, _provider));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
