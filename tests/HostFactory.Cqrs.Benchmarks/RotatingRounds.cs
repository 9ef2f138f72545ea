using System.Diagnostics;

namespace HostFactory.Cqrs.Benchmarks;

/// <summary>
/// Times several steps in one process, in rounds whose order rotates, so each step sees the same machine state and
/// none always runs right after the same other step. BenchmarkDotNet measures each method in its own process and
/// stretch of time; on a shared 2-core machine that stretch alone moved a row by 10 ns.
/// </summary>
public static class RotatingRounds
{
    /// <summary>Nanoseconds per call of each step, one entry per measured round: <c>[step][round]</c>.</summary>
    public static double[][] Measure(IReadOnlyList<Action> steps, int rounds, int warmupRounds, int callsPerRound)
    {
        var times = steps.Select(_ => new double[rounds]).ToArray();
        for (var round = 0; round < warmupRounds + rounds; round++)
        {
            for (var k = 0; k < steps.Count; k++)
            {
                var step = (k + round) % steps.Count;
                var run = steps[step];
                var started = Stopwatch.GetTimestamp();
                for (var call = 0; call < callsPerRound; call++)
                {
                    run();
                }

                if (round >= warmupRounds)
                {
                    times[step][round - warmupRounds] = Stopwatch.GetElapsedTime(started).TotalNanoseconds / callsPerRound;
                }
            }
        }

        return times;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
