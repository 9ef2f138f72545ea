using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Storage.Postgres.Tests.Contract;

public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task RequestSave_WhenNewAndUpdated_StoresEveryFieldAndMovesTheVersionOn()
    {
        var host = await HostAsync();
        var acquire = NewAcquire("tpl-a", count: 3);
        var giveBack = Request.CreateReturn([MachineId.New(), MachineId.New()], TimeSpan.FromMinutes(10), Clock);

        await host.Requests.SaveAsync(acquire, default);
        await host.Requests.SaveAsync(giveBack, default);
        Tick();
        acquire.AddMachines([MachineId.New(), MachineId.New()], Clock);
        acquire.BeginProvisioning(Clock, "on its way");
        await host.Requests.SaveAsync(acquire, default);
        Tick();
        acquire.CompleteWithErrors("one machine failed", Clock);
        await host.Requests.SaveAsync(acquire, default);

        acquire.Version.Should().Be(3);
        (await host.RequestReader.GetAsync(acquire.Id, default)).Should().BeEquivalentTo(acquire.ToSnapshot(), o => o.WithStrictOrdering());
        (await host.Requests.FindAsync(giveBack.Id, default))!.ToSnapshot().Should().BeEquivalentTo(giveBack.ToSnapshot(), o => o.WithStrictOrdering());
        (await host.Requests.FindAsync(RequestId.NewAcquire(), default)).Should().BeNull();
    }

    [StoreFact]
    public async Task RequestSave_WhenStaleOrInsertedTwice_ThrowsConcurrencyAndKeepsTheStoredOne()
    {
        var (one, two) = (await HostAsync(), await HostAsync());
        var request = NewAcquire("tpl-a");
        await one.Requests.SaveAsync(request, default);
        var theirs = (await two.Requests.FindAsync(request.Id, default))!;
        theirs.RecordSync(Clock);
        await two.Requests.SaveAsync(theirs, default);

        request.Cancel("changed my mind", Clock);
        var stale = () => one.Requests.SaveAsync(request, default);
        var twice = () => one.Requests.SaveAsync(Request.FromSnapshot(theirs.ToSnapshot() with { Version = 0 }), default);

        (await stale.Should().ThrowAsync<ConcurrencyException>()).Which.Should().Match<ConcurrencyException>(e => e.ExpectedVersion == 1 && e.ActualVersion == 2);
        await twice.Should().ThrowAsync<ConcurrencyException>();
        (await one.RequestReader.GetAsync(request.Id, default))!.Should().Match<RequestSnapshot>(r => r.Status == RequestStatus.Pending && r.SyncAttempts == 1 && r.Version == 2);
    }

    [StoreFact]
    public async Task ListUnfinished_ReturnsTheRequestsNotFinalByCreation()
    {
        var host = await HostAsync();
        var pending = NewAcquire("tpl-a");
        Tick();
        var provisioning = NewAcquire("tpl-a");
        provisioning.BeginProvisioning(Clock);
        Tick();
        var done = NewAcquire("tpl-a");
        done.Fail("no capacity", Clock);
        var releasing = Request.CreateReturn([MachineId.New()], TimeSpan.FromMinutes(5), Clock);
        releasing.BeginReleasing(Clock);
        foreach (var request in new[] { releasing, done, provisioning, pending })
        {
            await host.Requests.SaveAsync(request, default);
        }

        var before = await host.Requests.ListUnfinishedAsync(default);
        provisioning.Complete(Clock);
        await host.Requests.SaveAsync(provisioning, default);
        var after = await host.Requests.ListUnfinishedAsync(default);

        before.Should().Equal(new[] { pending.Id, provisioning.Id, releasing.Id }.OrderBy(Created(pending, provisioning, releasing)));
        after.Should().Equal(new[] { pending.Id, releasing.Id }.OrderBy(Created(pending, releasing)));
    }

    [StoreFact]
    public async Task RequestList_FiltersByKindStatusAndTemplate_AndPagesInCreationOrder()
    {
        var host = await HostAsync();
        var requests = new List<Request>();
        for (var i = 0; i < 5; i++)
        {
            var request = NewAcquire(i % 2 == 0 ? "tpl-a" : "tpl-b");
            if (i == 4)
            {
                request.BeginProvisioning(Clock);
            }

            requests.Add(request);
            await host.Requests.SaveAsync(request, default);
            Tick();
        }

        var giveBack = Request.CreateReturn([], TimeSpan.FromMinutes(5), Clock);
        await host.Requests.SaveAsync(giveBack, default);

        var all = await host.RequestReader.ListAsync(new RequestFilter(null, null, null), default);
        var page = await host.RequestReader.ListAsync(new RequestFilter(null, null, null, Offset: 2, Limit: 2), default);
        var pendingOfA = await host.RequestReader.ListAsync(new RequestFilter(RequestKind.Acquire, RequestStatus.Pending, new TemplateId("tpl-a")), default);
        var returns = await host.RequestReader.ListAsync(new RequestFilter(RequestKind.Return, null, null), default);
        var beyond = await host.RequestReader.ListAsync(new RequestFilter(null, null, null, Offset: 10, Limit: 5), default);

        all.Items.Select(r => r.Id).Should().Equal([.. requests.Select(r => r.Id), giveBack.Id]);
        all.Total.Should().Be(6);
        page.Should().Match<Page<RequestSnapshot>>(p => p.Total == 6 && p.Offset == 2 && p.Limit == 2);
        page.Items.Select(r => r.Id).Should().Equal(requests[2].Id, requests[3].Id);
        pendingOfA.Items.Select(r => r.Id).Should().Equal(requests[0].Id, requests[2].Id);
        returns.Items.Select(r => r.Id).Should().Equal(giveBack.Id);
        beyond.Items.Should().BeEmpty();
        beyond.Total.Should().Be(6);
    }

    private static Func<RequestId, DateTimeOffset> Created(params Request[] requests) =>
        id => requests.Single(r => r.Id == id).CreatedAt;
}
