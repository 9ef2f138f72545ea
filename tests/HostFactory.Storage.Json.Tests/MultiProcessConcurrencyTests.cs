using System.Diagnostics;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using Xunit.Abstractions;

namespace HostFactory.Storage.Json.Tests;

/// <summary>
/// Eight separate OS processes (not threads) race on the same requests in one data directory, as overlapping Host
/// Factory calls do, each re-running its "load, change, save" on a ConcurrencyException like the application.
/// </summary>
public sealed class MultiProcessConcurrencyTests(ITestOutputHelper output) : IDisposable
{
    private const int Workers = 8;
    private const int Iterations = 12;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Storage_WhenEightProcessesUpdateTheSameRequests_LosesNoUpdateAndDuplicatesNothing()
    {
        var data = _directory.Combine("data");
        var clock = TestData.Clock();
        var shared = new List<Request>();
        using (var setup = new StorageFixture(data))
        {
            for (var i = 0; i < 3; i++)
            {
                var request = TestData.NewAcquire(clock, count: Workers * Iterations);
                await setup.Requests.SaveAsync(request, default);
                shared.Add(request);
            }
        }

        var goFile = _directory.Combine("go");
        var contested = MachineId.New();
        var requestIds = string.Join(',', shared.Select(r => r.Id.Value));
        var workers = Enumerable.Range(0, Workers)
            .Select(w => TestWorker.Start(null, "contend", data, goFile, w.ToString(System.Globalization.CultureInfo.InvariantCulture), Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture), requestIds, contested.Value))
            .ToList();
        try
        {
            foreach (var worker in workers)
            {
                await worker.WaitReadyAsync(TimeSpan.FromSeconds(60));
            }

            var watch = Stopwatch.StartNew();
            await File.WriteAllTextAsync(goFile, "go");
            foreach (var worker in workers)
            {
                (await worker.WaitForExitAsync(TimeSpan.FromSeconds(120))).Should().Be(0, worker.Errors);
            }

            output.WriteLine($"{Workers} processes x {Iterations} iterations finished {watch.Elapsed.TotalSeconds:0.0} s after the start signal.");
            var lines = workers.SelectMany(w => w.Lines).ToList();

            lines.Count(l => l.StartsWith("INSERTED ", StringComparison.Ordinal)).Should().Be(1, "exactly one process may insert the contested machine");
            lines.Count(l => l.StartsWith("CONFLICT ", StringComparison.Ordinal)).Should().Be(Workers - 1);

            using var storage = new StorageFixture(data);
            foreach (var request in shared)
            {
                var stored = (await storage.RequestReader.GetAsync(request.Id, default))!;
                var syncs = lines.Count(l => l == $"SYNC {request.Id}");
                var added = lines.Where(l => l.StartsWith($"ADDED {request.Id} ", StringComparison.Ordinal)).Select(l => MachineId.Parse(l.Split(' ')[2])).ToList();

                stored.SyncAttempts.Should().Be(syncs, "every RecordSync a process reported must be counted once");
                stored.MachineIds.Should().BeEquivalentTo(added, "every AddMachines a process reported must be there");
                stored.MachineIds.Should().OnlyHaveUniqueItems();
                stored.Version.Should().Be(1 + syncs + added.Count, "each update is one save");

                var listed = (await storage.MachineReader.ListByRequestAsync(request.Id, default)).Select(m => m.Id).ToList();
                listed.Should().OnlyHaveUniqueItems().And.Contain(added);
                listed.Except(added).Should().BeSubsetOf([contested]);
            }

            lines.Count(l => l.StartsWith("SYNC ", StringComparison.Ordinal)).Should().Be(Workers * Iterations);
            var machines = await storage.MachineReader.ListAsync(new MachineFilter(null, null, null, Limit: 1000), default);
            machines.Total.Should().Be(Workers * Iterations + 1);
            (await storage.Machines.CountActiveByTemplateAsync(TestData.TemplateIdOfWorker, default))
                .Should().Be(machines.Items.Count(m => m.Status.IsActive));
            (await storage.Machines.FindByHostNameAsync("contested.example", default)).Should().ContainSingle();

            var report = await storage.Maintenance.VerifyAsync(default);
            report.IsHealthy.Should().BeTrue(System.Text.Json.JsonSerializer.Serialize(report));
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }
}
