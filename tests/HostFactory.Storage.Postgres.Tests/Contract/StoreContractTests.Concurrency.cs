using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Storage.Postgres.Tests.Contract;

public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task Save_WhenHostsUpdateOneRequestAtOnceAndRetryConflicts_LosesNoUpdate()
    {
        const int Writers = 4;
        const int UpdatesEach = 5;
        var hosts = new List<StoreHost>();
        for (var i = 0; i < Writers; i++)
        {
            hosts.Add(await HostAsync());
        }

        var request = NewAcquire("tpl-a");
        await hosts[0].Requests.SaveAsync(request, default);
        var conflicts = 0;

        await Task.WhenAll(hosts.Select(host => Task.Run(async () =>
        {
            for (var done = 0; done < UpdatesEach;)
            {
                var loaded = (await host.Requests.FindAsync(request.Id, default))!;
                loaded.RecordSync(Clock);
                try
                {
                    await host.Requests.SaveAsync(loaded, default);
                    done++;
                }
                catch (ConcurrencyException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        var stored = (await hosts[0].RequestReader.GetAsync(request.Id, default))!;
        stored.SyncAttempts.Should().Be(Writers * UpdatesEach, $"every update that saved must be kept ({conflicts} conflicts were retried)");
        stored.Version.Should().Be(1 + (Writers * UpdatesEach));
    }

    [StoreFact]
    public async Task LockCapacity_WhenAnotherHostHoldsIt_WaitsUntilItIsReleased()
    {
        var (one, two) = (await HostAsync(), await HostAsync());
        var template = new TemplateId("tpl-a");
        var held = await one.Templates.LockCapacityAsync(template, default);

        var waiting = two.Templates.LockCapacityAsync(template, default);
        var other = await two.Templates.LockCapacityAsync(new TemplateId("tpl-b"), default);
        other.Dispose();
        // A third holder that gives up after a moment is refused: the lock is held, and the waiting one has waited as long.
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var third = () => two.Templates.LockCapacityAsync(template, giveUp.Token);
        await third.Should().ThrowAsync<OperationCanceledException>("the lock is held by the other host");
        waiting.IsCompleted.Should().BeFalse("the lock is held by the other host");

        held.Dispose();
        using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [StoreFact]
    public async Task LockCapacity_WhenCancelledWhileWaiting_ThrowsAndLeavesTheLockToItsHolder()
    {
        var (one, two) = (await HostAsync(), await HostAsync());
        var template = new TemplateId("tpl-a");
        using var held = await one.Templates.LockCapacityAsync(template, default);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var wait = () => two.Templates.LockCapacityAsync(template, cancel.Token);

        await wait.Should().ThrowAsync<OperationCanceledException>();
        held.Dispose();
        using var afterwards = await two.Templates.LockCapacityAsync(template, default).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [StoreFact]
    public async Task LockCapacity_WhenHostsAdmitRequestsAtOnce_NeverAdmitMoreThanTheLimit()
    {
        const int Limit = 5;
        const int Callers = 12;
        var hosts = new List<StoreHost>();
        for (var i = 0; i < 3; i++)
        {
            hosts.Add(await HostAsync());
        }

        var template = new TemplateId("tpl-a");
        var admitted = 0;

        // As requestMachines does: under the lock, count what the template has, then save a request if it fits.
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(i => Task.Run(async () =>
        {
            var host = hosts[i % hosts.Count];
            using (await host.Templates.LockCapacityAsync(template, default))
            {
                var pending = await host.RequestReader.ListAsync(new RequestFilter(RequestKind.Acquire, RequestStatus.Pending, template), default);
                await Task.Yield();
                if (pending.Total < Limit)
                {
                    await host.Requests.SaveAsync(NewAcquire(template.Value, 1), default);
                    Interlocked.Increment(ref admitted);
                }
            }
        })));

        admitted.Should().Be(Limit);
        (await hosts[0].RequestReader.ListAsync(new RequestFilter(RequestKind.Acquire, null, template), default)).Total.Should().Be(Limit);
    }
}
