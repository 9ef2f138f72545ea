using HostFactory.Domain.Common;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Microsoft.Extensions.Time.Testing;

namespace HostFactory.Testing.Tests;

public sealed class InMemoryRequestStoreTests
{
    private readonly FakeTimeProvider _clock = new(HostFactoryTestHostOptions.DefaultStartTime);
    private readonly InMemoryRequestStore _store = new();

    [Fact]
    public async Task SaveAsync_WhenInsertedTwice_ThrowsConcurrencyException()
    {
        var request = Samples.Acquire(_clock);
        await _store.SaveAsync(request, default);
        var copy = Request.FromSnapshot(request.ToSnapshot() with { Version = 0 });

        await FluentActions.Awaiting(() => _store.SaveAsync(copy, default)).Should().ThrowAsync<ConcurrencyException>()
            .WithMessage($"Request '{request.Id}' was changed by someone else: expected version 0, found 1.");
    }

    [Fact]
    public async Task SaveAsync_WhenStale_ThrowsConcurrencyException()
    {
        var request = Samples.Acquire(_clock);
        await _store.SaveAsync(request, default);
        var other = (await _store.FindAsync(request.Id, default))!;
        other.BeginProvisioning(_clock);
        await _store.SaveAsync(other, default);

        request.Fail("provider down", _clock);

        await FluentActions.Awaiting(() => _store.SaveAsync(request, default)).Should().ThrowAsync<ConcurrencyException>();
        (await _store.GetAsync(request.Id, default))!.Status.Should().Be(RequestStatus.Provisioning);
    }

    [Fact]
    public async Task SaveAsync_WhenManyWritersRaceFromOneVersion_ExactlyOneWins()
    {
        var request = Samples.Acquire(_clock);
        await _store.SaveAsync(request, default);
        var copies = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _store.FindAsync(request.Id, default)));

        var outcomes = await Task.WhenAll(copies.Select(copy => Task.Run(async () =>
        {
            copy!.RecordSync(_clock);
            try
            {
                await _store.SaveAsync(copy, default);
                return true;
            }
            catch (ConcurrencyException)
            {
                return false;
            }
        })));

        outcomes.Count(won => won).Should().Be(1);
        (await _store.GetAsync(request.Id, default))!.Should().Match<RequestSnapshot>(r => r.Version == 2 && r.SyncAttempts == 1);
    }

    [Fact]
    public async Task ListUnfinishedAsync_WhenSomeFinished_ListsTheOthersOldestFirst()
    {
        var first = Samples.Acquire(_clock);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var finished = Samples.Acquire(_clock);
        finished.Fail("no", _clock);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var last = Request.CreateReturn([], TimeSpan.FromMinutes(1), _clock);
        foreach (var request in new[] { last, finished, first })
        {
            await _store.SaveAsync(request, default);
        }

        var unfinished = await _store.ListUnfinishedAsync(default);

        unfinished.Should().Equal(first.Id, last.Id);
    }

    [Fact]
    public async Task ListAsync_WhenFiltered_AppliesEveryCriterionAndPages()
    {
        var other = new TemplateId("other");
        var requests = new[] { Samples.Acquire(_clock), Samples.Acquire(_clock, other), Samples.Acquire(_clock), Request.CreateReturn([], TimeSpan.FromMinutes(1), _clock) };
        foreach (var request in requests)
        {
            await _store.SaveAsync(request, default);
        }

        var acquire = await _store.ListAsync(new RequestFilter(RequestKind.Acquire, RequestStatus.Pending, new TemplateId(TestTemplates.DefaultId), Offset: 1, Limit: 1), default);

        acquire.Total.Should().Be(2);
        acquire.Items.Should().ContainSingle();
        (await _store.ListAsync(new RequestFilter(RequestKind.Return, null, null), default)).Items.Should().ContainSingle().Which.Id.Should().Be(requests[3].Id);
    }
}
