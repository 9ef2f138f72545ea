using System.Text.Json;
using HostFactory.Domain.Common;
using HostFactory.Domain.Templates;

namespace HostFactory.Storage.Json.Tests;

public sealed class JsonTemplateStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly StorageFixture _storage;
    private readonly FakeTimeProvider _clock = TestData.Clock();

    public JsonTemplateStoreTests() => _storage = new StorageFixture(_directory.Combine("data"));

    public void Dispose()
    {
        _storage.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task SaveAsync_WhenNew_RoundTripsEveryFieldAndMarksVersion1()
    {
        var template = TestData.NewTemplate(_clock);

        await _storage.Templates.SaveAsync(template, default);

        template.Version.Should().Be(1);
        var loaded = await _storage.Templates.FindAsync(template.Id, default);
        loaded!.ToSnapshot().Should().BeEquivalentTo(template.ToSnapshot());
        (await _storage.TemplateReader.GetAsync(template.Id, default)).Should().BeEquivalentTo(template.ToSnapshot());
    }

    [Fact]
    public async Task SaveAsync_WhenProviderSettingsHoldRawJson_KeepsEachTextExactly()
    {
        var template = TestData.NewTemplate(_clock);
        await _storage.Templates.SaveAsync(template, default);

        var loaded = await _storage.Templates.FindAsync(template.Id, default);

        loaded!.ProviderSettings.Should().Be(template.ProviderSettings);
        loaded.ProviderSettings.Values["subnets"].Should().Be("[ \"a\", \"b\" ]");
        loaded.ProviderSettings.Values["none"].Should().BeNull();
    }

    [Fact]
    public async Task SaveAsync_WritesCamelCaseDocumentWithSchemaVersionIsoTimesAndIsoDuration()
    {
        var template = TestData.NewTemplate(_clock);
        await _storage.Templates.SaveAsync(template, default);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(_storage.PathOf("templates", $"{template.Id}.json")));
        var root = json.RootElement;

        root.GetProperty("schemaVersion").GetInt32().Should().Be(1);
        root.GetProperty("id").GetString().Should().Be(template.Id.Value);
        root.GetProperty("version").GetInt64().Should().Be(1);
        root.GetProperty("createdAt").GetString().Should().Be("2025-01-01T08:00:00.0000000Z");
        root.GetProperty("requestTimeout").GetString().Should().Be("PT45M");
        root.GetProperty("attributes").GetProperty("nram").GetInt32().Should().Be(1024);
        root.GetProperty("attributes").GetProperty("extras")[1].GetProperty("kind").GetString().Should().Be("Numeric");
    }

    [Fact]
    public async Task SaveAsync_WhenUpdatedAtLoadedVersion_IncrementsVersion()
    {
        var template = TestData.NewTemplate(_clock);
        await _storage.Templates.SaveAsync(template, default);
        var loaded = (await _storage.Templates.FindAsync(template.Id, default))!;

        loaded.Disable(_clock);
        await _storage.Templates.SaveAsync(loaded, default);

        loaded.Version.Should().Be(2);
        (await _storage.TemplateReader.GetAsync(template.Id, default))!.Enabled.Should().BeFalse();
    }

    [Fact]
    public async Task SaveAsync_WhenSomeoneSavedInBetween_ThrowsConcurrencyExceptionAndKeepsTheirChange()
    {
        var template = TestData.NewTemplate(_clock);
        await _storage.Templates.SaveAsync(template, default);
        var first = (await _storage.Templates.FindAsync(template.Id, default))!;
        var second = (await _storage.Templates.FindAsync(template.Id, default))!;
        first.Disable(_clock);
        await _storage.Templates.SaveAsync(first, default);

        second.Update("other", 5, second.Attributes, ProviderSettings.Empty, null, _clock);
        var act = () => _storage.Templates.SaveAsync(second, default);

        (await act.Should().ThrowAsync<ConcurrencyException>()).Which.Should().BeEquivalentTo(new { Entity = "Template", ExpectedVersion = 1L, ActualVersion = 2L });
        second.Version.Should().Be(1, "a refused save marks nothing persisted");
        (await _storage.TemplateReader.GetAsync(template.Id, default))!.ProviderName.Should().Be("local");
    }

    [Fact]
    public async Task SaveAsync_WhenInsertingAnExistingId_ThrowsConcurrencyException()
    {
        await _storage.Templates.SaveAsync(TestData.NewTemplate(_clock), default);

        var act = () => _storage.Templates.SaveAsync(TestData.NewTemplate(_clock), default);

        (await act.Should().ThrowAsync<ConcurrencyException>()).Which.Should().BeEquivalentTo(new { ExpectedVersion = 0L, ActualVersion = 1L });
    }

    [Fact]
    public async Task DeleteAsync_WhenAtStoredVersion_RemovesItAndLaterSavesOfTheOldCopyAreRefused()
    {
        var template = TestData.NewTemplate(_clock);
        await _storage.Templates.SaveAsync(template, default);
        var staleHolder = (await _storage.Templates.FindAsync(template.Id, default))!;

        await _storage.Templates.DeleteAsync(template, default);

        (await _storage.Templates.FindAsync(template.Id, default)).Should().BeNull();
        staleHolder.Disable(_clock);
        var act = () => _storage.Templates.SaveAsync(staleHolder, default);
        (await act.Should().ThrowAsync<ConcurrencyException>()).Which.ActualVersion.Should().Be(0);
    }

    [Fact]
    public async Task SaveAsync_WhenReCreatedAfterDelete_ContinuesTheVersionSoAHolderOfTheDeletedOneIsRefused()
    {
        var template = TestData.NewTemplate(_clock);
        await _storage.Templates.SaveAsync(template, default);
        var holderOfOld = (await _storage.Templates.FindAsync(template.Id, default))!;
        await _storage.Templates.DeleteAsync(template, default);

        var recreated = TestData.NewTemplate(_clock);
        await _storage.Templates.SaveAsync(recreated, default);

        recreated.Version.Should().Be(2, "the tombstone kept version 1");
        holderOfOld.Disable(_clock);
        var act = () => _storage.Templates.SaveAsync(holderOfOld, default);
        await act.Should().ThrowAsync<ConcurrencyException>();
    }

    [Fact]
    public async Task DeleteAsync_WhenStale_ThrowsConcurrencyExceptionAndKeepsTheTemplate()
    {
        var template = TestData.NewTemplate(_clock);
        await _storage.Templates.SaveAsync(template, default);
        var newer = (await _storage.Templates.FindAsync(template.Id, default))!;
        newer.Disable(_clock);
        await _storage.Templates.SaveAsync(newer, default);

        var act = () => _storage.Templates.DeleteAsync(template, default);

        await act.Should().ThrowAsync<ConcurrencyException>();
        (await _storage.Templates.FindAsync(template.Id, default)).Should().NotBeNull();
    }

    [Fact]
    public async Task ListAsync_ReturnsEveryTemplateOrderedByCreationThenId()
    {
        var b = TestData.NewTemplate(_clock, "b-template");
        var a = TestData.NewTemplate(_clock, "a-template");
        _clock.Advance(TimeSpan.FromMinutes(1));
        var first = TestData.NewTemplate(_clock, "0-later");
        foreach (var template in new[] { first, b, a })
        {
            await _storage.Templates.SaveAsync(template, default);
        }

        var listed = await _storage.TemplateReader.ListAsync(default);

        listed.Select(t => t.Id.Value).Should().Equal("a-template", "b-template", "0-later");
    }

    [Fact]
    public async Task LockCapacityAsync_WhileHeld_MakesTheNextHolderWaitUntilItIsReleased()
    {
        var id = new TemplateId("capacity-tmpl");
        var first = await _storage.Templates.LockCapacityAsync(id, default);

        var second = _storage.Templates.LockCapacityAsync(id, default);
        var otherTemplate = await _storage.Templates.LockCapacityAsync(new TemplateId("other-tmpl"), default);

        // A third holder that gives up after a moment is refused: the lock is held, and the second has waited as long.
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var third = () => _storage.Templates.LockCapacityAsync(id, giveUp.Token);
        await third.Should().ThrowAsync<OperationCanceledException>("one holder at a time per template");
        second.IsCompleted.Should().BeFalse("the second holder waits for the first");
        otherTemplate.Dispose();
        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    [Fact]
    public async Task LockCapacityAsync_WhileHeld_LetsTheHolderSaveAnyRequest()
    {
        // The capacity lock is a file of its own, not a stripe: saving while holding it never waits for itself.
        using var storage = new StorageFixture(_directory.Combine("short-locks"), lockTimeout: TimeSpan.FromMilliseconds(500));
        using (await storage.Templates.LockCapacityAsync(new TemplateId("busy-tmpl"), default))
        {
            for (var i = 0; i < 40; i++)
            {
                await storage.Requests.SaveAsync(TestData.NewAcquire(_clock), default);
            }
        }
    }

    [Fact]
    public async Task LockCapacityAsync_WhenAnotherProcessKeepsIt_ThrowsStorageLockTimeoutNamingTheLockFile()
    {
        using var storage = new StorageFixture(_directory.Combine("held"), lockTimeout: TimeSpan.FromMilliseconds(300));
        var lockPath = Path.Combine(storage.Engine.Locks.Directory, "capacity-held-tmpl.lock");
        (await storage.Templates.LockCapacityAsync(new TemplateId("held-tmpl"), default)).Dispose();

        // An open with FileShare.None is a separate flock holder, as another process's would be.
        using (File.OpenHandle(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var act = () => storage.Templates.LockCapacityAsync(new TemplateId("held-tmpl"), default);

            var thrown = (await act.Should().ThrowAsync<StorageLockTimeoutException>()).Which;
            thrown.LockPath.Should().Be(lockPath);
            thrown.Message.Should().Contain("the capacity of template 'held-tmpl'");
        }

        (await storage.Templates.LockCapacityAsync(new TemplateId("held-tmpl"), default)).Dispose();
    }
}
