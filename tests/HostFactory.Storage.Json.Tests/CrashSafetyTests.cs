using System.Diagnostics;
using System.Globalization;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using Xunit.Abstractions;

namespace HostFactory.Storage.Json.Tests;

/// <summary>
/// A real child process writes without pause (single saves and batches that move index entries) and is killed with
/// SIGKILL at random moments, again and again, each new child first recovering what the last one left. The moments
/// come from a seeded generator; the seed is written to the test's output (shown with a failure) and
/// <c>HF_TEST_SEED=&lt;seed&gt;</c> runs the same sequence of kill delays again (the processes' own timing still varies).
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 20;

    /// <summary>The environment variable that replays a seed.</summary>
    private const string SeedVariable = "HF_TEST_SEED";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Storage_WhenTheWriterIsKilledAtRandomMoments_LosesNoReportedWriteAndCorruptsNothing()
    {
        var data = _directory.Combine("data");
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), CultureInfo.InvariantCulture, out var given) ? given : Environment.TickCount;
        output.WriteLine($"Kill delays seeded with {seed} (replay: {SeedVariable}={seed}).");
        var random = new Random(seed);
        var reported = new Dictionary<(string Kind, string Id), long>();
        var killedMidSave = 0;
        var watch = Stopwatch.StartNew();

        for (var run = 0; run < Kills; run++)
        {
            using var worker = TestWorker.Start(null, "crash-writer", data);
            await worker.WaitReadyAsync(TimeSpan.FromSeconds(30));
            await Task.Delay(random.Next(5, 250));
            await worker.KillAsync();

            worker.Errors.Should().NotContain("fail:", "recovery in the next child must not fail");
            foreach (var line in worker.Lines.Where(l => l.StartsWith("SAVED ", StringComparison.Ordinal)))
            {
                var parts = line.Split(' ');
                var key = (parts[1], parts[2]);
                var version = long.Parse(parts[3], CultureInfo.InvariantCulture);
                reported[key] = Math.Max(version, reported.GetValueOrDefault(key));
            }

            if (Directory.EnumerateFileSystemEntries(Path.Join(data, "journal")).Any())
            {
                killedMidSave++;
            }
        }

        output.WriteLine($"{Kills} kills in {watch.Elapsed.TotalSeconds:0.0} s, {killedMidSave} in the middle of a save; {reported.Count} aggregates reported saved.");
        killedMidSave.Should().BeGreaterThan(0, $"some kills must land inside a save, or this test proves nothing (seed {seed})");
        reported.Should().NotBeEmpty();

        using var storage = new StorageFixture(data);
        foreach (var ((kind, id), version) in reported)
        {
            var stored = kind == "request"
                ? (await storage.Requests.FindAsync(RequestId.Parse(id), default))?.Version
                : (await storage.Machines.FindAsync(MachineId.Parse(id), default))?.Version;
            stored.Should().NotBeNull($"{kind} {id} was reported saved");
            stored.Should().BeGreaterThanOrEqualTo(version, $"{kind} {id} was reported saved at version {version}");
        }

        // Every document loads (corrupt ones would be listed) and the indexes match the documents exactly.
        var report = await storage.Maintenance.VerifyAsync(default);
        report.CorruptFiles.Should().BeEmpty();
        report.MissingEntries.Should().BeEmpty();
        report.StaleEntries.Should().BeEmpty();
        report.LeftoverTempFiles.Should().BeEmpty();
        report.PendingJournalRecords.Should().BeEmpty();
        report.DocumentsChecked.Should().BeGreaterThanOrEqualTo(reported.Count);

        // A request only ever names machines saved before it, so every name must resolve.
        var requests = await storage.RequestReader.ListAsync(new RequestFilter(null, null, null, Limit: 1000), default);
        foreach (var request in requests.Items)
        {
            foreach (var machineId in request.MachineIds)
            {
                (await storage.MachineReader.GetAsync(machineId, default)).Should().NotBeNull($"{request.Id} names {machineId}");
            }

            var listed = (await storage.MachineReader.ListByRequestAsync(request.Id, default)).Select(m => m.Id);
            request.MachineIds.Except(listed).Should().BeEmpty($"the machines-by-request index of {request.Id} must list its machines");
        }
    }
}
