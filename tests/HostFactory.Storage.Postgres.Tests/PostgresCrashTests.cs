using System.Diagnostics;
using System.Globalization;
using HostFactory.Domain.Machines;
using HostFactory.Storage.Postgres.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HostFactory.Storage.Postgres.Tests;

/// <summary>
/// A real child process saves batches of machines in one transaction each, without pause, and is killed with SIGKILL
/// at random moments, again and again: every batch it reported saved is whole, no batch is partly there, and the store
/// works for the next caller.
/// </summary>
public sealed class PostgresCrashTests(ITestOutputHelper output)
{
    private const int Kills = 8;
    private const int BatchSize = 300;

    [PostgresFact]
    public async Task SaveMany_WhenTheWriterIsKilledMidTransaction_LeavesNoPartialBatch()
    {
        await using var database = await TestDatabase.CreateAsync();
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var saved = new List<(int Run, int Batch)>();
        var killedMidSave = 0;

        for (var run = 0; run < Kills; run++)
        {
            using var worker = Worker.Start(database.ConnectionString, run, BatchSize);
            await worker.WaitForAsync("SAVED 0", TimeSpan.FromSeconds(60));
            await Task.Delay(random.Next(5, 300));
            await worker.KillAsync();

            saved.AddRange(worker.Lines.Where(l => l.StartsWith("SAVED ", StringComparison.Ordinal)).Select(l => (run, int.Parse(l[6..], CultureInfo.InvariantCulture))));
            if (worker.Lines.LastOrDefault(l => l.StartsWith("BEGIN ", StringComparison.Ordinal) || l.StartsWith("SAVED ", StringComparison.Ordinal)) is { } last
                && last.StartsWith("BEGIN ", StringComparison.Ordinal))
            {
                killedMidSave++;
            }
        }

        var partial = await database.ScalarAsync(
            $"SELECT count(*) FROM (SELECT tags->>'run', tags->>'batch' FROM hostfactory.machines GROUP BY 1, 2 HAVING count(*) <> {BatchSize}) AS partial");
        var stored = await database.ScalarAsync("SELECT count(DISTINCT (tags->>'run', tags->>'batch')) FROM hostfactory.machines");
        output.WriteLine($"{Kills} kills, {killedMidSave} between BEGIN and SAVED; {saved.Count} batches reported saved, {stored} stored");

        killedMidSave.Should().BeGreaterThan(0, "some kills must land inside a save, or this test proves nothing");
        partial.Should().Be(0L, "a batch is one transaction: all its machines or none");
        ((long)stored!).Should().BeGreaterThanOrEqualTo(saved.Count, "every batch reported saved is stored");
        foreach (var (run, batch) in saved)
        {
            (await database.ScalarAsync($"SELECT count(*) FROM hostfactory.machines WHERE tags->>'run' = '{run}' AND tags->>'batch' = '{batch}'"))
                .Should().Be((long)BatchSize, $"run {run} reported batch {batch} saved");
        }

        await using var services = new ServiceCollection()
            .AddPostgresStorage(o =>
            {
                o.EnvironmentVariable = null;
                o.ConnectionString = database.ConnectionString;
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        (await services.GetRequiredService<IMachineReader>().CountActiveByTemplateAsync(new("crash-template"), default)).Should().Be((int)(long)stored * BatchSize);
    }

    /// <summary>The crash writer of HostFactory.Storage.Postgres.TestWorker, as a child process.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];

        private Worker(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    lock (_lines)
                    {
                        _lines.Add(line);
                    }
                }
            };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public static Worker Start(string connectionString, int run, int batchSize)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "worker", "HostFactory.Storage.Postgres.TestWorker.dll"));
            start.ArgumentList.Add("crash-writer");
            start.ArgumentList.Add(run.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add(batchSize.ToString(CultureInfo.InvariantCulture));
            start.Environment["HF_WORKER_CONNECTION"] = connectionString;
            return new Worker(Process.Start(start)!);
        }

        public async Task WaitForAsync(string line, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!Lines.Contains(line))
            {
                _process.HasExited.Should().BeFalse($"the worker should run until killed; it printed: {string.Join(" | ", Lines)}");
                DateTime.UtcNow.Should().BeBefore(deadline, $"the worker should print '{line}'");
                await Task.Delay(10);
            }
        }

        public async Task KillAsync()
        {
            // SIGKILL: no finally block, no disposal, no goodbye to the server.
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
        }
    }
}
