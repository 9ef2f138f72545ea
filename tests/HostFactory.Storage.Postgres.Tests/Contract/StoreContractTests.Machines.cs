using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Storage.Postgres.Tests.Contract;

public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task MachineSave_WhenNewAndUpdated_StoresEveryFieldAndMovesTheVersionOn()
    {
        var host = await HostAsync();
        var request = NewAcquire("tpl-a");
        var machine = NewMachine(request, "host-a.example");
        var bare = NewMachine(request, string.Empty, reported: ReportedMachineId.ProviderId);

        await host.Machines.SaveAsync(machine, default);
        await host.Machines.SaveAsync(bare, default);
        Tick();
        machine.MarkRunning(null, "10.0.0.8", "198.51.100.1", Clock);
        await host.Machines.SaveAsync(machine, default);

        machine.Version.Should().Be(2);
        (await host.MachineReader.GetAsync(machine.Id, default)).Should().BeEquivalentTo(machine.ToSnapshot());
        (await host.Machines.FindAsync(bare.Id, default))!.ToSnapshot().Should().BeEquivalentTo(bare.ToSnapshot());
        (await host.MachineReader.GetAsync(bare.Id, default))!.ProtocolMachineId.Should().Be(bare.ProviderMachineId);
        (await host.Machines.FindAsync(MachineId.New(), default)).Should().BeNull();
    }

    [StoreFact]
    public async Task MachineSave_WhenStaleOrInsertedTwice_ThrowsConcurrency()
    {
        var (one, two) = (await HostAsync(), await HostAsync());
        var machine = NewMachine(NewAcquire("tpl-a"), "h1");
        await one.Machines.SaveAsync(machine, default);
        var theirs = (await two.Machines.FindAsync(machine.Id, default))!;
        theirs.MarkRunning(null, null, null, Clock);
        await two.Machines.SaveAsync(theirs, default);

        machine.MarkFailed("gone", Clock);
        var stale = () => one.Machines.SaveAsync(machine, default);
        var twice = () => one.Machines.SaveAsync(Machine.FromSnapshot(theirs.ToSnapshot() with { Version = 0 }), default);

        (await stale.Should().ThrowAsync<ConcurrencyException>()).Which.Should().Match<ConcurrencyException>(e => e.ExpectedVersion == 1 && e.ActualVersion == 2);
        await twice.Should().ThrowAsync<ConcurrencyException>();
        (await one.MachineReader.GetAsync(machine.Id, default))!.Status.Should().Be(MachineStatus.Running);
    }

    [StoreFact]
    public async Task SaveMany_WhenOneIsStale_WritesNoneAndMarksNonePersisted()
    {
        var (one, two) = (await HostAsync(), await HostAsync());
        var request = NewAcquire("tpl-a");
        var existing = NewMachine(request, "h1");
        await one.Machines.SaveAsync(existing, default);
        var theirs = (await two.Machines.FindAsync(existing.Id, default))!;
        theirs.MarkRunning(null, null, null, Clock);
        await two.Machines.SaveAsync(theirs, default);

        var fresh = new[] { NewMachine(request, "h2"), NewMachine(request, "h3") };
        existing.MarkFailed("stale change", Clock);
        var batch = new[] { fresh[0], existing, fresh[1] };
        var save = () => one.Machines.SaveManyAsync(batch, default);

        await save.Should().ThrowAsync<ConcurrencyException>();
        batch.Select(m => m.Version).Should().Equal(0, 1, 0);
        (await one.MachineReader.GetAsync(fresh[0].Id, default)).Should().BeNull();
        (await one.MachineReader.GetAsync(fresh[1].Id, default)).Should().BeNull();
        (await one.MachineReader.GetAsync(existing.Id, default))!.Status.Should().Be(MachineStatus.Running);
    }

    [StoreFact]
    public async Task SaveMany_WhenAllAreCurrent_WritesAllAndMarksEachPersisted()
    {
        var host = await HostAsync();
        var request = NewAcquire("tpl-a", count: 40);
        var existing = NewMachine(request, "h0");
        await host.Machines.SaveAsync(existing, default);
        existing.MarkRunning(null, null, null, Clock);
        var batch = Enumerable.Range(1, 39).Select(i => NewMachine(request, $"h{i}")).Append(existing).ToArray();

        await host.Machines.SaveManyAsync(batch, default);

        batch.Take(39).Should().OnlyContain(m => m.Version == 1);
        existing.Version.Should().Be(2);
        (await host.MachineReader.ListByRequestAsync(request.Id, default)).Should().HaveCount(40);
    }

    [StoreFact]
    public async Task ListByRequest_ReturnsTheMachinesMadeForAnAcquireAndThoseAReturnGivesBack()
    {
        var host = await HostAsync();
        var (mine, other) = (NewAcquire("tpl-a", 3), NewAcquire("tpl-a", 1));
        var made = new List<Machine>();
        for (var i = 0; i < 3; i++)
        {
            made.Add(NewMachine(mine, $"m{i}"));
            Tick();
        }

        await host.Machines.SaveManyAsync([made[2], made[0], made[1], NewMachine(other, "x")], default);
        var giveBack = Request.CreateReturn([made[0].Id, made[2].Id], TimeSpan.FromMinutes(5), Clock);
        foreach (var machine in new[] { made[0], made[2] })
        {
            machine.BeginReturn(giveBack.Id, Clock);
        }

        await host.Machines.SaveManyAsync([made[0], made[2]], default);

        (await host.MachineReader.ListByRequestAsync(mine.Id, default)).Select(m => m.Id).Should().Equal(made.Select(m => m.Id));
        (await host.Machines.ListByRequestAsync(mine.Id, default)).Select(m => m.Id).Should().Equal(made.Select(m => m.Id));
        (await host.MachineReader.ListByRequestAsync(giveBack.Id, default)).Select(m => m.Id).Should().Equal(made[0].Id, made[2].Id);
        (await host.MachineReader.ListByRequestAsync(RequestId.NewAcquire(), default)).Should().BeEmpty();
    }

    [StoreFact]
    public async Task FindByHostName_MatchesIgnoringCase_AndABlankNameNeverMatches()
    {
        var host = await HostAsync();
        var request = NewAcquire("tpl-a", 6);
        var first = NewMachine(request, "Host-A.Example");
        Tick();
        var reused = NewMachine(request, "host-a.example");
        var other = NewMachine(request, "host-b.example");
        var unnamed = NewMachine(request, string.Empty);
        var blank = NewMachine(request, "  ");
        await host.Machines.SaveManyAsync([reused, other, unnamed, blank, first], default);

        (await host.MachineReader.FindByHostNameAsync("HOST-A.example", default)).Select(m => m.Id).Should().Equal(first.Id, reused.Id);
        (await host.Machines.FindByHostNameAsync("host-a.example", default)).Select(m => m.Id).Should().Equal(first.Id, reused.Id);
        (await host.MachineReader.FindByHostNameAsync("host-b.EXAMPLE", default)).Select(m => m.Id).Should().Equal(other.Id);
        (await host.MachineReader.FindByHostNameAsync("host-a", default)).Should().BeEmpty();
        (await host.MachineReader.FindByHostNameAsync(string.Empty, default)).Should().BeEmpty();
        (await host.MachineReader.FindByHostNameAsync("  ", default)).Should().BeEmpty();
        (await host.Machines.FindByHostNameAsync(string.Empty, default)).Should().BeEmpty();
    }

    [StoreFact]
    public async Task FindByHostName_WhenTheHostNameChanges_FindsTheMachineByTheNewNameOnly()
    {
        var host = await HostAsync();
        var machine = NewMachine(NewAcquire("tpl-a"), string.Empty);
        await host.Machines.SaveAsync(machine, default);

        machine.MarkRunning("late-name.example", null, null, Clock);
        await host.Machines.SaveAsync(machine, default);

        (await host.MachineReader.FindByHostNameAsync("LATE-NAME.example", default)).Select(m => m.Id).Should().Equal(machine.Id);
    }

    [StoreFact]
    public async Task CountActiveByTemplate_CountsTheTemplatesMachinesThatAreNeitherTerminatedNorFailed()
    {
        var host = await HostAsync();
        var (a, b) = (NewAcquire("tpl-a", 5), NewAcquire("tpl-b", 1));
        var machines = new[]
        {
            NewMachine(a, "1"), NewMachine(a, "2", MachineStatus.Running), NewMachine(a, "3", MachineStatus.ShuttingDown),
            NewMachine(a, "4", MachineStatus.Failed), NewMachine(a, "5", MachineStatus.Terminated), NewMachine(b, "6", MachineStatus.Running),
        };
        await host.Machines.SaveManyAsync(machines, default);

        (await host.MachineReader.CountActiveByTemplateAsync(new TemplateId("tpl-a"), default)).Should().Be(3);
        (await host.Machines.CountActiveByTemplateAsync(new TemplateId("tpl-b"), default)).Should().Be(1);
        machines[1].MarkTerminated(Clock);
        await host.Machines.SaveAsync(machines[1], default);
        (await host.MachineReader.CountActiveByTemplateAsync(new TemplateId("tpl-a"), default)).Should().Be(2);
        (await host.MachineReader.CountActiveByTemplateAsync(new TemplateId("tpl-none"), default)).Should().Be(0);
    }

    [StoreFact]
    public async Task MachineList_FiltersByRequestStatusAndTemplate_AndPagesInCreationOrder()
    {
        var host = await HostAsync();
        var (a, b) = (NewAcquire("tpl-a", 4), NewAcquire("tpl-b", 1));
        var made = new List<Machine>();
        for (var i = 0; i < 4; i++)
        {
            made.Add(NewMachine(a, $"a{i}", i < 2 ? MachineStatus.Running : MachineStatus.Pending));
            Tick();
        }

        var fromB = NewMachine(b, "b0", MachineStatus.Running);
        await host.Machines.SaveManyAsync([.. made, fromB], default);
        var giveBack = Request.CreateReturn([made[3].Id], TimeSpan.FromMinutes(5), Clock);
        made[3].BeginReturn(giveBack.Id, Clock);
        await host.Machines.SaveAsync(made[3], default);

        var all = await host.MachineReader.ListAsync(new MachineFilter(null, null, null), default);
        var runningOfA = await host.MachineReader.ListAsync(new MachineFilter(a.Id, MachineStatus.Running, new TemplateId("tpl-a")), default);
        var page = await host.MachineReader.ListAsync(new MachineFilter(null, null, new TemplateId("tpl-a"), Offset: 1, Limit: 2), default);
        var returning = await host.MachineReader.ListAsync(new MachineFilter(giveBack.Id, null, null), default);
        var running = await host.MachineReader.ListAsync(new MachineFilter(null, MachineStatus.Running, null), default);

        all.Items.Select(m => m.Id).Should().Equal([.. made.Select(m => m.Id), fromB.Id]);
        runningOfA.Items.Select(m => m.Id).Should().Equal(made[0].Id, made[1].Id);
        page.Should().Match<Page<MachineSnapshot>>(p => p.Total == 4 && p.Offset == 1 && p.Limit == 2);
        page.Items.Select(m => m.Id).Should().Equal(made[1].Id, made[2].Id);
        returning.Items.Select(m => m.Id).Should().Equal(made[3].Id);
        running.Total.Should().Be(3);
    }
}
