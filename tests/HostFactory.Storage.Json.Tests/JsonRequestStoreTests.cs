using System.Text.Json;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Storage.Json.Tests;

public sealed class JsonRequestStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly StorageFixture _storage;
    private readonly FakeTimeProvider _clock = TestData.Clock();

    public JsonRequestStoreTests() => _storage = new StorageFixture(_directory.Combine("data"));

    public void Dispose()
    {
        _storage.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task SaveAsync_WhenAcquireRequest_RoundTripsEveryField()
    {
        var request = TestData.NewAcquire(_clock);
        request.AddMachines([MachineId.New(), MachineId.New()], _clock);
        request.RecordSync(_clock);

        await _storage.Requests.SaveAsync(request, default);

        request.Version.Should().Be(1);
        var loaded = await _storage.Requests.FindAsync(request.Id, default);
        loaded!.ToSnapshot().Should().BeEquivalentTo(request.ToSnapshot());
        (await _storage.RequestReader.GetAsync(request.Id, default)).Should().BeEquivalentTo(request.ToSnapshot());
    }

    [Fact]
    public async Task SaveAsync_WhenReturnRequestFinished_RoundTripsStatusMessageAndCompletion()
    {
        var request = Request.CreateReturn([MachineId.New()], TestData.Timeout, _clock);
        request.BeginReleasing(_clock);
        _clock.Advance(TimeSpan.FromSeconds(3));
        request.CompleteWithErrors("one machine could not be released", _clock);

        await _storage.Requests.SaveAsync(request, default);

        var loaded = (await _storage.RequestReader.GetAsync(request.Id, default))!;
        loaded.Should().BeEquivalentTo(request.ToSnapshot());
        loaded.CompletedAt.Should().Be(TestData.Start.AddSeconds(3));
    }

    [Fact]
    public async Task SaveAsync_WritesStatusAndKindAsTheDomainsWords()
    {
        var request = TestData.NewAcquire(_clock);
        request.BeginProvisioning(_clock);
        await _storage.Requests.SaveAsync(request, default);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(_storage.PathOf("requests", $"{request.Id}.json")));

        json.RootElement.GetProperty("status").GetString().Should().Be("provisioning");
        json.RootElement.GetProperty("kind").GetString().Should().Be("acquire");
        json.RootElement.GetProperty("schemaVersion").GetInt32().Should().Be(1);
        json.RootElement.GetProperty("completedAt").ValueKind.Should().Be(JsonValueKind.Null);
        json.RootElement.GetProperty("deadline").GetString().Should().Be("2025-01-01T08:30:00.0000000Z");
    }

    [Fact]
    public async Task FindAsync_WhenUnknown_ReturnsNull()
    {
        (await _storage.Requests.FindAsync(RequestId.NewAcquire(), default)).Should().BeNull();
        (await _storage.RequestReader.GetAsync(RequestId.NewReturn(), default)).Should().BeNull();
    }

    [Fact]
    public async Task SaveAsync_WhenStale_ThrowsConcurrencyException()
    {
        var request = TestData.NewAcquire(_clock);
        await _storage.Requests.SaveAsync(request, default);
        var first = (await _storage.Requests.FindAsync(request.Id, default))!;
        var second = (await _storage.Requests.FindAsync(request.Id, default))!;
        first.RecordSync(_clock);
        await _storage.Requests.SaveAsync(first, default);

        second.RecordSync(_clock);
        var act = () => _storage.Requests.SaveAsync(second, default);

        (await act.Should().ThrowAsync<ConcurrencyException>()).Which.Should().BeEquivalentTo(new { Entity = "Request", Id = request.Id.Value, ExpectedVersion = 1L, ActualVersion = 2L });
        (await _storage.RequestReader.GetAsync(request.Id, default))!.SyncAttempts.Should().Be(1);
    }

    [Fact]
    public async Task SaveAsync_WhenInsertedTwice_ThrowsConcurrencyException()
    {
        var request = TestData.NewAcquire(_clock);
        var twin = Request.FromSnapshot(request.ToSnapshot());
        await _storage.Requests.SaveAsync(request, default);

        var act = () => _storage.Requests.SaveAsync(twin, default);

        (await act.Should().ThrowAsync<ConcurrencyException>()).Which.Should().BeEquivalentTo(new { ExpectedVersion = 0L, ActualVersion = 1L });
    }

    [Fact]
    public async Task SaveAsync_WhenUpdatingARequestNeverStored_ThrowsConcurrencyException()
    {
        var request = Request.FromSnapshot(TestData.NewAcquire(_clock).ToSnapshot() with { Version = 4 });

        var act = () => _storage.Requests.SaveAsync(request, default);

        (await act.Should().ThrowAsync<ConcurrencyException>()).Which.ActualVersion.Should().Be(0);
    }

    [Fact]
    public async Task ListUnfinishedAsync_FollowsTheIndexAsRequestsFinish()
    {
        var early = TestData.NewAcquire(_clock);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var late = Request.CreateReturn([], TestData.Timeout, _clock);
        var finished = TestData.NewAcquire(_clock);
        finished.Fail("no capacity", _clock);
        foreach (var request in new[] { late, finished, early })
        {
            await _storage.Requests.SaveAsync(request, default);
        }

        (await _storage.Requests.ListUnfinishedAsync(default)).Should().Equal(early.Id, late.Id);
        File.Exists(_storage.PathOf("indexes", "unfinished-requests", early.Id.Value)).Should().BeTrue();
        File.Exists(_storage.PathOf("indexes", "unfinished-requests", finished.Id.Value)).Should().BeFalse();

        early.Cancel("not needed", _clock);
        await _storage.Requests.SaveAsync(early, default);

        (await _storage.Requests.ListUnfinishedAsync(default)).Should().Equal(late.Id);
        File.Exists(_storage.PathOf("indexes", "unfinished-requests", early.Id.Value)).Should().BeFalse();
    }

    [Fact]
    public async Task ListAsync_FiltersByKindStatusAndTemplateAndPagesInOrder()
    {
        var other = new TemplateId("Other");
        var requests = new List<Request>();
        for (var i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            var request = TestData.NewAcquire(_clock, templateId: i == 4 ? other : null);
            if (i == 3)
            {
                request.Fail("broken", _clock);
            }

            requests.Add(request);
            await _storage.Requests.SaveAsync(request, default);
        }

        var returned = Request.CreateReturn([], TestData.Timeout, _clock);
        await _storage.Requests.SaveAsync(returned, default);

        var page = await _storage.RequestReader.ListAsync(new RequestFilter(RequestKind.Acquire, RequestStatus.Pending, TestData.TemplateId, Offset: 1, Limit: 2), default);
        page.Total.Should().Be(3);
        page.Items.Select(r => r.Id).Should().Equal(requests[1].Id, requests[2].Id);

        (await _storage.RequestReader.ListAsync(new RequestFilter(null, RequestStatus.Failed, null), default)).Items.Select(r => r.Id).Should().Equal(requests[3].Id);
        (await _storage.RequestReader.ListAsync(new RequestFilter(RequestKind.Return, null, null), default)).Items.Select(r => r.Id).Should().Equal(returned.Id);
        (await _storage.RequestReader.ListAsync(new RequestFilter(null, null, other), default)).Items.Select(r => r.Id).Should().Equal(requests[4].Id);
        (await _storage.RequestReader.ListAsync(new RequestFilter(null, null, null), default)).Total.Should().Be(6);
    }
}
