using System.Diagnostics;
using System.Globalization;

namespace HostFactory.Storage.Json.Benchmarks;

/// <summary>
/// <c>-- paired</c>: durable creates per second next to the raw loops, measured in alternating rounds (the order
/// rotating each round) and compared round by round. On a disk shared with other work, fsync latency drifts by
/// several times within a minute; BenchmarkDotNet measures each method in its own stretch of time, so a drift
/// lands on one method only. Pairing rounds cancels it. Uses the benchmark's own methods and seeded stores.
/// </summary>
internal static class PairedRun
{
    private const int Rounds = 30;
    private const int OperationsPerRound = 50;

    public static int Run(IReadOnlyList<int> sizes)
    {
        Console.WriteLine($"Paired run: {Rounds} rounds x {OperationsPerRound} operations per method and size, {DateTimeOffset.UtcNow:u}");
        Console.WriteLine();
        Console.WriteLine("| Stored machines | Raw temp+fsync+rename (ops/s) | Raw + directory fsync (ops/s) | CreateRequest, durable (ops/s) | Create / raw | Create / raw+dir | Load request + machines (us) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var size in sizes)
        {
            var bench = new StorageBenchmarks { StoredMachines = size };
            bench.Setup();
            try
            {
                Action[] methods =
                [
                    bench.RawWriteTempFsyncRename,
                    bench.RawWriteTempFsyncRenameFsyncDirectory,
                    () => bench.CreateRequest().GetAwaiter().GetResult(),
                ];
                foreach (var method in methods)
                {
                    Measure(method, 100);
                }

                var rates = methods.Select(_ => new List<double>()).ToArray();
                for (var round = 0; round < Rounds; round++)
                {
                    for (var k = 0; k < methods.Length; k++)
                    {
                        var m = (k + round) % methods.Length;
                        rates[m].Add(OperationsPerRound / Measure(methods[m], OperationsPerRound).TotalSeconds);
                    }
                }

                var toRaw = Median(rates[2].Zip(rates[0], (create, raw) => create / raw));
                var toRawDir = Median(rates[2].Zip(rates[1], (create, rawDir) => create / rawDir));
                var load = Median(Enumerable.Range(0, 200).Select(_ => Measure(() => bench.LoadRequestWithMachines().GetAwaiter().GetResult(), 1).TotalMicroseconds));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {size:N0} | {Median(rates[0]):N0} | {Median(rates[1]):N0} | {Median(rates[2]):N0} | {toRaw:0.00} | {toRawDir:0.00} | {load:0} |"));
            }
            finally
            {
                bench.Cleanup();
            }
        }

        Console.WriteLine();
        Console.WriteLine("Rates and ratios are medians over the rounds; each ratio is taken within a round, then the median of those.");
        return 0;
    }

    private static TimeSpan Measure(Action method, int operations)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < operations; i++)
        {
            method();
        }

        return Stopwatch.GetElapsedTime(start);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
