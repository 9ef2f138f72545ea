using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.Time.Testing;

namespace HostFactory.Testing.Tests;

public sealed class InMemoryMachineStoreTests
{
    private readonly FakeTimeProvider _clock = new(HostFactoryTestHostOptions.DefaultStartTime);
    private readonly InMemoryMachineStore _store = new();

    private IMachineReader Reader => _store;

    [Fact]
    public async Task SaveAsync_WhenInsertedTwice_ThrowsConcurrencyException()
    {
        var machine = Samples.Machine(_clock);
        await _store.SaveAsync(machine, default);

        await FluentActions.Awaiting(() => _store.SaveAsync(Machine.FromSnapshot(machine.ToSnapshot() with { Version = 0 }), default))
            .Should().ThrowAsync<ConcurrencyException>().Where(e => e.Entity == "Machine");
    }

    [Fact]
    public async Task SaveAsync_WhenStale_ThrowsConcurrencyException()
    {
        var machine = Samples.Machine(_clock);
        await _store.SaveAsync(machine, default);
        var other = (await _store.FindAsync(machine.Id, default))!;
        other.MarkRunning(null, null, null, _clock);
        await _store.SaveAsync(other, default);

        machine.MarkFailed("boom", _clock);

        await FluentActions.Awaiting(() => _store.SaveAsync(machine, default)).Should().ThrowAsync<ConcurrencyException>();
        (await Reader.GetAsync(machine.Id, default))!.Status.Should().Be(MachineStatus.Running);
    }

    [Fact]
    public async Task SaveManyAsync_WhenOneIsStale_WritesNoneAndMarksNone()
    {
        var stored = Samples.Machine(_clock);
        await _store.SaveAsync(stored, default);
        var stale = Machine.FromSnapshot(stored.ToSnapshot() with { Version = 0 });
        var fresh = Samples.Machine(_clock, hostName: "host-b.example");

        await FluentActions.Awaiting(() => _store.SaveManyAsync([fresh, stale], default)).Should().ThrowAsync<ConcurrencyException>();

        (await _store.FindAsync(fresh.Id, default)).Should().BeNull();
        fresh.Version.Should().Be(0);
    }

    [Fact]
    public async Task InjectConflicts_WhenFiltered_HitsOnlyThatMachine()
    {
        var target = Samples.Machine(_clock);
        var bystander = Samples.Machine(_clock, hostName: "host-b.example");
        await _store.SaveManyAsync([target, bystander], default);
        _store.InjectConflicts(1, id => id == target.Id);

        bystander.MarkRunning(null, null, null, _clock);
        await _store.SaveAsync(bystander, default);
        target.MarkRunning(null, null, null, _clock);

        await FluentActions.Awaiting(() => _store.SaveAsync(target, default)).Should().ThrowAsync<ConcurrencyException>();
        (await Reader.GetAsync(target.Id, default))!.Version.Should().Be(2);
    }

    [Fact]
    public async Task Readers_WhenMachinesStored_FindByRequestReturnHostNameAndCountActive()
    {
        var acquire = RequestId.NewAcquire();
        var returning = RequestId.NewReturn();
        var otherTemplate = new TemplateId("other");
        var running = Samples.Machine(_clock, acquire, "Host-A.example", MachineStatus.Running);
        var returned = Samples.Machine(_clock, acquire, "host-b.example", MachineStatus.Running);
        returned.BeginReturn(returning, _clock);
        var failed = Samples.Machine(_clock, acquire, "host-c.example", MachineStatus.Failed);
        var elsewhere = Samples.Machine(_clock, hostName: "host-d.example", templateId: otherTemplate);
        await _store.SaveManyAsync([running, returned, failed, elsewhere], default);

        (await Reader.ListByRequestAsync(acquire, default)).Select(m => m.Id).Should().BeEquivalentTo([running.Id, returned.Id, failed.Id]);
        (await Reader.ListByRequestAsync(returning, default)).Should().ContainSingle().Which.Id.Should().Be(returned.Id);
        (await Reader.FindByHostNameAsync("host-a.example", default)).Should().ContainSingle().Which.Id.Should().Be(running.Id);
        (await Reader.CountActiveByTemplateAsync(new TemplateId(TestTemplates.DefaultId), default)).Should().Be(2);
        var page = await Reader.ListAsync(new MachineFilter(null, MachineStatus.Running, null, Offset: 0, Limit: 1), default);
        page.Total.Should().Be(2);
        page.Items.Should().ContainSingle();
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t ")]
    public async Task FindByHostNameAsync_WhenTheNameIsBlank_NeverMatches(string blank)
    {
        await _store.SaveManyAsync([Samples.Machine(_clock, hostName: blank), Samples.Machine(_clock, hostName: " ")], default);

        (await _store.FindByHostNameAsync(blank, default)).Should().BeEmpty();
        (await Reader.FindByHostNameAsync(" ", default)).Should().BeEmpty();
    }

    [Fact]
    public async Task FindByHostNameAsync_WhenAskedInAnotherCase_FindsTheMachine()
    {
        var machine = Samples.Machine(_clock, hostName: "ÉTÉ.Example");
        await _store.SaveAsync(machine, default);

        (await _store.FindByHostNameAsync("été.example", default)).Should().ContainSingle().Which.Id.Should().Be(machine.Id);
        (await Reader.FindByHostNameAsync("ÉTÉ.EXAMPLE", default)).Should().ContainSingle().Which.Id.Should().Be(machine.Id);
    }
}
