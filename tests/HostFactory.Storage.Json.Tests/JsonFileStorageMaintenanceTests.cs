using HostFactory.Domain.Requests;

namespace HostFactory.Storage.Json.Tests;

public sealed class JsonFileStorageMaintenanceTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly StorageFixture _storage;
    private readonly FakeTimeProvider _clock = TestData.Clock();

    public JsonFileStorageMaintenanceTests() => _storage = new StorageFixture(_directory.Combine("data"));

    public void Dispose()
    {
        _storage.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task VerifyAsync_WhenEverythingWasWrittenByTheStores_IsHealthy()
    {
        await SeedAsync();

        var report = await _storage.Maintenance.VerifyAsync(default);

        report.IsHealthy.Should().BeTrue();
        report.DocumentsChecked.Should().Be(4);
        report.DataDirectory.Should().Be(_storage.DataDirectory);
    }

    [Fact]
    public async Task VerifyAsync_WhenEntriesWereDeletedOrInventedByHand_ReportsThemAndRepairAsyncFixesThem()
    {
        var (request, machine) = await SeedAsync();
        var missing = $"indexes/machines-by-host/host-a.example/{machine.Id}";
        var stale = $"indexes/unfinished-requests/{RequestId.NewAcquire()}";
        File.Delete(_storage.PathOf(missing));
        _storage.Engine.EnsureEntry(stale);

        var report = await _storage.Maintenance.VerifyAsync(default);

        report.MissingEntries.Should().Equal(missing);
        report.StaleEntries.Should().Equal(stale);
        (await _storage.Maintenance.RepairAsync(default)).IsHealthy.Should().BeTrue();
        File.Exists(_storage.PathOf(missing)).Should().BeTrue();
        File.Exists(_storage.PathOf(stale)).Should().BeFalse();
        (await _storage.Requests.ListUnfinishedAsync(default)).Should().Equal(request.Id);
    }

    [Fact]
    public async Task RepairAsync_WhenAFileIsCorrupt_ReportsItAndLeavesItUntouched()
    {
        var (request, _) = await SeedAsync();
        var path = _storage.PathOf("requests", $"{request.Id}.json");
        await File.WriteAllTextAsync(path, "{ broken");
        await File.WriteAllTextAsync(_storage.PathOf("machines", "m-leftover.json.tmp"), "half");

        var before = await _storage.Maintenance.VerifyAsync(default);
        var after = await _storage.Maintenance.RepairAsync(default);

        before.LeftoverTempFiles.Should().Equal("machines/m-leftover.json.tmp");
        after.CorruptFiles.Should().ContainSingle().Which.Should().StartWith($"requests/{request.Id}.json").And.Contain("not valid JSON");
        (await File.ReadAllTextAsync(path)).Should().Be("{ broken");
        after.IsHealthy.Should().BeFalse();
    }

    private async Task<(Request Request, HostFactory.Domain.Machines.Machine Machine)> SeedAsync()
    {
        await _storage.Templates.SaveAsync(TestData.NewTemplate(_clock), default);
        var request = TestData.NewAcquire(_clock);
        var machine = TestData.NewMachine(_clock, request.Id);
        await _storage.Machines.SaveAsync(machine, default);
        request.AddMachines([machine.Id], _clock);
        await _storage.Requests.SaveAsync(request, default);
        var done = TestData.NewAcquire(_clock);
        done.Fail("no capacity", _clock);
        await _storage.Requests.SaveAsync(done, default);
        return (request, machine);
    }
}
