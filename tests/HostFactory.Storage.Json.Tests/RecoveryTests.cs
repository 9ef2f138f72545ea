using System.Diagnostics;
using System.Text.Json;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Storage.Json.Documents;

namespace HostFactory.Storage.Json.Tests;

/// <summary>
/// Each test leaves the files exactly as a process killed at one step of the write protocol would, then starts a
/// fresh storage (a new plugin process) and checks what recovery made of it. The random-kill test in
/// <see cref="CrashSafetyTests"/> covers the same ground by chance; these pin each step.
/// </summary>
public sealed class RecoveryTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = TestData.Clock();
    private readonly string _data;

    public RecoveryTests() => _data = _directory.Combine("data");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task NextStart_WhenKilledBeforeTheRename_KeepsTheOldDocumentAndRemovesTheNewStatesEntryAndTheTempFile()
    {
        var machine = await SaveMachineAsync("host-a.example");
        var hostB = StorageLayout.HostEntry("host-b.example", machine.Id.Value);
        using (var before = new StorageFixture(_data))
        {
            // Step 1 and 2 done, the temp file half written, then SIGKILL.
            WriteIntent(before, machine.Id.Value, 2, null, [StorageLayout.HostEntry("host-a.example", machine.Id.Value), hostB]);
            before.Engine.EnsureEntry(hostB);
            await File.WriteAllTextAsync(before.PathOf("machines", $"{machine.Id}.json.tmp"), "{ \"schemaVersion\": 1, \"id\": \"m-");
        }

        using var after = new StorageFixture(_data);
        var report = await after.Maintenance.VerifyAsync(default);

        report.IsHealthy.Should().BeTrue(Describe(report));
        (await after.MachineReader.GetAsync(machine.Id, default))!.Should().BeEquivalentTo(new { Version = 1L, HostName = "host-a.example" });
        (await after.MachineReader.FindByHostNameAsync("host-a.example", default)).Should().ContainSingle();
        File.Exists(after.PathOf(hostB)).Should().BeFalse();
    }

    [Fact]
    public async Task NextStart_WhenKilledAfterTheRename_KeepsTheNewDocumentAndRemovesTheOldStatesEntry()
    {
        var machine = await SaveMachineAsync("host-a.example");
        var hostA = StorageLayout.HostEntry("host-a.example", machine.Id.Value);
        using (var before = new StorageFixture(_data))
        {
            machine.MarkRunning("host-b.example", null, null, _clock);
            await before.Machines.SaveAsync(machine, default);

            // Undo step 3 (stale entry removal) and the final journal delete, as if killed right after the rename.
            before.Engine.EnsureEntry(hostA);
            WriteIntent(before, machine.Id.Value, 2, null, [hostA, StorageLayout.HostEntry("host-b.example", machine.Id.Value)]);
        }

        using var after = new StorageFixture(_data);

        (await after.MachineReader.FindByHostNameAsync("host-a.example", default)).Should().BeEmpty();
        (await after.MachineReader.FindByHostNameAsync("host-b.example", default)).Should().ContainSingle().Which.Version.Should().Be(2);
        File.Exists(after.PathOf(hostA)).Should().BeFalse();
        (await after.Maintenance.VerifyAsync(default)).IsHealthy.Should().BeTrue();
    }

    [Fact]
    public async Task NextStart_WhenABatchWasCommittedButNotApplied_CompletesIt()
    {
        var (first, second) = (await SaveMachineAsync("h1.example"), await SaveMachineAsync("h2.example"));
        using (var before = new StorageFixture(_data))
        {
            first.MarkTerminated(_clock);
            second.MarkTerminated(_clock);
            WriteCommittedBatch(before, "b1", first, second);
        }

        using var after = new StorageFixture(_data);

        (await after.MachineReader.GetAsync(first.Id, default))!.Should().BeEquivalentTo(new { Version = 2L, Status = MachineStatus.Terminated });
        (await after.MachineReader.GetAsync(second.Id, default))!.Should().BeEquivalentTo(new { Version = 2L, Status = MachineStatus.Terminated });
        (await after.Machines.CountActiveByTemplateAsync(TestData.TemplateId, default)).Should().Be(0);
        var report = await after.Maintenance.VerifyAsync(default);
        report.IsHealthy.Should().BeTrue(Describe(report));
    }

    [Fact]
    public async Task NextStart_WhenABatchWasNotCommitted_LeavesEveryMachineAsItWas()
    {
        var (first, second) = (await SaveMachineAsync("h1.example"), await SaveMachineAsync("h2.example"));
        using (var before = new StorageFixture(_data))
        {
            // Journal records written, batch record never renamed into place (only its temp file, of a dead process).
            first.MarkTerminated(_clock);
            second.MarkTerminated(_clock);
            foreach (var machine in new[] { first, second })
            {
                WriteIntent(before, machine.Id.Value, 2, "b2", [StorageLayout.ActiveMachineEntry(TestData.TemplateId.Value, machine.Id.Value)]);
            }

            await File.WriteAllTextAsync(before.PathOf("journal", $"batch-b2.json.{DeadPid()}.tmp"), "{ \"schemaVersion\": 1, \"id\": \"b2\", \"mach");
        }

        using var after = new StorageFixture(_data);

        (await after.MachineReader.GetAsync(first.Id, default))!.Should().BeEquivalentTo(new { Version = 1L, Status = MachineStatus.Pending });
        (await after.Machines.CountActiveByTemplateAsync(TestData.TemplateId, default)).Should().Be(2);
        var report = await after.Maintenance.VerifyAsync(default);
        report.IsHealthy.Should().BeTrue(Describe(report));
    }

    [Fact]
    public async Task SaveAsync_InARunningProcess_WhenAMachinesCommittedBatchIsPending_CompletesItFirstAndRefusesTheStaleSave()
    {
        var machine = await SaveMachineAsync("h1.example");
        using var running = new StorageFixture(_data);
        await running.Requests.ListUnfinishedAsync(default);
        var loaded = (await running.Machines.FindAsync(machine.Id, default))!;
        machine.MarkTerminated(_clock);
        WriteCommittedBatch(running, "b3", machine);

        loaded.MarkRunning(null, null, null, _clock);
        var act = () => running.Machines.SaveAsync(loaded, default);

        (await act.Should().ThrowAsync<ConcurrencyException>()).Which.ActualVersion.Should().Be(2, "the committed batch happened first");
        (await running.MachineReader.GetAsync(machine.Id, default))!.Status.Should().Be(MachineStatus.Terminated);
    }

    [Fact]
    public async Task NextStart_WhenTheJournalRecordIsTorn_RestoresTheEntriesTheDocumentNeeds()
    {
        var machine = await SaveMachineAsync("host-a.example");
        var hostA = StorageLayout.HostEntry("host-a.example", machine.Id.Value);
        using (var before = new StorageFixture(_data))
        {
            File.Delete(before.PathOf(hostA));
            await File.WriteAllTextAsync(before.PathOf("journal", $"machine-{machine.Id}.json"), string.Empty);
        }

        using var after = new StorageFixture(_data);

        (await after.MachineReader.FindByHostNameAsync("host-a.example", default)).Should().ContainSingle();
        Directory.GetFiles(after.PathOf("journal")).Should().BeEmpty();
    }

    [Fact]
    public async Task NextStart_RemovesTempFilesOfDeadProcessesButNotOfLiveOnes()
    {
        await SaveMachineAsync("h.example");
        var dead = Path.Join(_data, "journal", $"batch-x.json.{DeadPid()}.tmp");
        var live = Path.Join(_data, "journal", $"batch-y.json.{Environment.ProcessId}.tmp");
        await File.WriteAllTextAsync(dead, "partial");
        await File.WriteAllTextAsync(live, "in flight");

        using var after = new StorageFixture(_data);
        await after.Requests.ListUnfinishedAsync(default);

        File.Exists(dead).Should().BeFalse();
        File.Exists(live).Should().BeTrue();
    }

    [Fact]
    public async Task NextStart_WhenTempFilesCarryAStoreCounter_RemovesThoseOfDeadProcessesButNotOfLiveOnes()
    {
        await SaveMachineAsync("h.example");
        var dead = Path.Join(_data, "journal", $"batch-x.json.{DeadPid()}-7.tmp");
        var live = StorageLayout.UniqueTempPathOf(Path.Join(_data, "journal", "batch-y.json"));
        await File.WriteAllTextAsync(dead, "partial");
        await File.WriteAllTextAsync(live, "in flight");

        using var after = new StorageFixture(_data);
        await after.Requests.ListUnfinishedAsync(default);

        File.Exists(dead).Should().BeFalse();
        File.Exists(live).Should().BeTrue();
    }

    [Fact]
    public async Task NextStart_WhenARequestSaveWasInterrupted_FixesTheUnfinishedIndex()
    {
        var request = TestData.NewAcquire(_clock);
        using (var before = new StorageFixture(_data))
        {
            await before.Requests.SaveAsync(request, default);
            request.Fail("gave up", _clock);
            await before.Requests.SaveAsync(request, default);
            var entry = StorageLayout.UnfinishedRequestEntry(request.Id.Value);
            before.Engine.EnsureEntry(entry);
            await File.WriteAllTextAsync(before.PathOf("journal", $"request-{request.Id}.json"), JsonSerializer.Serialize(new IntentDocument
            {
                SchemaVersion = 1, Kind = "request", Id = request.Id.Value, Version = 2, Entries = [entry], StartedAt = _clock.GetUtcNow(),
            }, StorageJsonContext.Files.IntentDocument));
        }

        using var after = new StorageFixture(_data);

        (await after.Requests.ListUnfinishedAsync(default)).Should().BeEmpty();
        File.Exists(after.PathOf(StorageLayout.UnfinishedRequestEntry(request.Id.Value))).Should().BeFalse();
    }

    [Fact]
    public async Task NextStart_WhenARequestInsertWasKilledBeforeTheRename_RemovesItsEntryAndTempFileFromAnEmptyRecord()
    {
        var request = TestData.NewAcquire(_clock);
        using (var before = new StorageFixture(_data))
        {
            await before.Requests.ListUnfinishedAsync(default);

            // What an insert leaves when killed mid-write: the (empty) journal record, its entry, a partial temp file.
            await File.WriteAllBytesAsync(before.PathOf("journal", $"request-{request.Id}.json"), []);
            before.Engine.EnsureEntry(StorageLayout.UnfinishedRequestEntry(request.Id.Value));
            await File.WriteAllTextAsync(before.PathOf("requests", $"{request.Id}.json.tmp"), "{ \"schemaVersion\"");
        }

        using var after = new StorageFixture(_data);
        var report = await after.Maintenance.VerifyAsync(default);

        report.IsHealthy.Should().BeTrue(Describe(report));
        (await after.Requests.FindAsync(request.Id, default)).Should().BeNull();
        await after.Requests.SaveAsync(request, default);
        request.Version.Should().Be(1, "the interrupted insert left nothing in the way");
    }

    private async Task<Machine> SaveMachineAsync(string hostName)
    {
        using var storage = new StorageFixture(_data);
        var machine = TestData.NewMachine(_clock, RequestId.NewAcquire(), hostName);
        await storage.Machines.SaveAsync(machine, default);
        return machine;
    }

    private void WriteIntent(StorageFixture storage, string machineId, long version, string? batchId, List<string> entries) =>
        File.WriteAllText(storage.PathOf("journal", $"machine-{machineId}.json"), JsonSerializer.Serialize(new IntentDocument
        {
            SchemaVersion = 1, Kind = "machine", Id = machineId, Version = version, BatchId = batchId, Entries = entries, StartedAt = _clock.GetUtcNow(),
        }, StorageJsonContext.Files.IntentDocument));

    /// <summary>The files a SaveManyAsync leaves when killed right after its commit point.</summary>
    private void WriteCommittedBatch(StorageFixture storage, string batchId, params Machine[] machines)
    {
        var members = machines.Select(m =>
        {
            var document = DocumentMapper.ToDocument(m.ToSnapshot(), m.Version + 1);
            var entries = MachineFiles.Instance.IndexEntries(DocumentMapper.ToDocument(m.ToSnapshot(), m.Version))
                .Union([StorageLayout.ActiveMachineEntry(TestData.TemplateId.Value, m.Id.Value)]).ToList();
            WriteIntent(storage, m.Id.Value, m.Version + 1, batchId, entries);
            return new BatchMemberDocument { Document = document, Entries = entries };
        }).ToList();
        File.WriteAllText(storage.PathOf("journal", $"batch-{batchId}.json"), JsonSerializer.Serialize(new BatchDocument
        {
            SchemaVersion = 1, Id = batchId, Machines = members, StartedAt = _clock.GetUtcNow(),
        }, StorageJsonContext.Files.BatchDocument));
    }

    private static int DeadPid()
    {
        using var process = Process.Start(new ProcessStartInfo("true"))!;
        process.WaitForExit();
        return process.Id;
    }

    private static string Describe(StorageCheckReport report) => JsonSerializer.Serialize(report);
}
