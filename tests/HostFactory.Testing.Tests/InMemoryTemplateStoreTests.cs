using HostFactory.Domain.Common;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.Time.Testing;

namespace HostFactory.Testing.Tests;

public sealed class InMemoryTemplateStoreTests
{
    private readonly FakeTimeProvider _clock = new(HostFactoryTestHostOptions.DefaultStartTime);
    private readonly InMemoryTemplateStore _store = new();

    [Fact]
    public async Task SaveAsync_WhenNew_InsertsAtVersionOneAndLoadsAFreshCopy()
    {
        var template = Samples.Template(_clock);

        await _store.SaveAsync(template, default);
        var loaded = await _store.FindAsync(template.Id, default);

        template.Version.Should().Be(1);
        loaded.Should().NotBeNull().And.NotBeSameAs(template);
        loaded!.ToSnapshot().Should().Be(template.ToSnapshot());
    }

    [Fact]
    public async Task SaveAsync_WhenInsertedTwice_ThrowsConcurrencyException()
    {
        await _store.SaveAsync(Samples.Template(_clock), default);

        var second = () => _store.SaveAsync(Samples.Template(_clock), default);

        (await second.Should().ThrowAsync<ConcurrencyException>())
            .Which.Should().BeEquivalentTo(new { Entity = "Template", ExpectedVersion = 0L, ActualVersion = 1L });
    }

    [Fact]
    public async Task SaveAsync_WhenStale_ThrowsAndKeepsTheNewerCopy()
    {
        var template = Samples.Template(_clock);
        await _store.SaveAsync(template, default);
        var first = (await _store.FindAsync(template.Id, default))!;
        var second = (await _store.FindAsync(template.Id, default))!;
        first.Disable(_clock);
        await _store.SaveAsync(first, default);

        second.Update("fake", 3, TestTemplates.Attributes(), ProviderSettings.Empty, null, _clock);
        var stale = () => _store.SaveAsync(second, default);

        (await stale.Should().ThrowAsync<ConcurrencyException>()).Which.ExpectedVersion.Should().Be(1);
        var stored = await _store.GetAsync(template.Id, default);
        stored!.Enabled.Should().BeFalse();
        stored.MaxNumber.Should().Be(10);
        second.Version.Should().Be(1, "a refused save does not mark the aggregate persisted");
    }

    [Fact]
    public async Task DeleteAsync_WhenStaleOrGone_Throws()
    {
        var template = Samples.Template(_clock);
        await _store.SaveAsync(template, default);
        var stale = (await _store.FindAsync(template.Id, default))!;
        template.Disable(_clock);
        await _store.SaveAsync(template, default);

        await FluentActions.Awaiting(() => _store.DeleteAsync(stale, default)).Should().ThrowAsync<ConcurrencyException>();
        await _store.DeleteAsync(template, default);
        await FluentActions.Awaiting(() => _store.DeleteAsync(template, default)).Should().ThrowAsync<ConcurrencyException>();
        (await _store.FindAsync(template.Id, default)).Should().BeNull();
    }

    [Fact]
    public async Task InjectConflicts_WhenSaving_FailsThatManyUpdatesThenAReloadSucceeds()
    {
        var template = Samples.Template(_clock);
        await _store.SaveAsync(template, default);
        _store.InjectConflicts(1);

        template.Disable(_clock);
        await FluentActions.Awaiting(() => _store.SaveAsync(template, default)).Should().ThrowAsync<ConcurrencyException>();
        var reloaded = (await _store.FindAsync(template.Id, default))!;
        reloaded.Disable(_clock);
        await _store.SaveAsync(reloaded, default);

        reloaded.Version.Should().Be(3, "the injected writer took version 2");
        _store.PendingConflicts.Should().Be(0);
    }

    [Fact]
    public async Task ListAsync_WhenSeveral_OrdersByCreationThenId()
    {
        await _store.SaveAsync(Samples.Template(_clock, "b"), default);
        await _store.SaveAsync(Samples.Template(_clock, "a"), default);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _store.SaveAsync(Samples.Template(_clock, "0-later"), default);

        var listed = await _store.ListAsync(default);

        listed.Select(t => t.Id.Value).Should().Equal("a", "b", "0-later");
    }

    [Fact]
    public async Task LockCapacityAsync_WhileHeld_MakesTheNextHolderWaitAndADoubleReleaseCountsOnce()
    {
        var id = new TemplateId("t1");
        var first = await _store.LockCapacityAsync(id, default);
        var second = _store.LockCapacityAsync(id, default);
        (await _store.LockCapacityAsync(new TemplateId("t2"), default)).Dispose();

        second.IsCompleted.Should().BeFalse("one holder at a time per template");
        first.Dispose();
        first.Dispose();
        var held = await second.WaitAsync(TimeSpan.FromSeconds(10));
        var third = _store.LockCapacityAsync(id, default);

        third.IsCompleted.Should().BeFalse("the first holder's second release gave nothing back");
        held.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    [Fact]
    public async Task LockCapacityAsync_WhenCancelledWhileWaiting_ThrowsAndLeavesTheLockToItsHolder()
    {
        var id = new TemplateId("t1");
        using var held = await _store.LockCapacityAsync(id, default);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var waiting = () => _store.LockCapacityAsync(id, cancellation.Token);

        await waiting.Should().ThrowAsync<OperationCanceledException>();
    }
}
