using System.Collections.Immutable;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Running;

namespace HostFactory.Cqrs.Benchmarks;

/// <summary>
/// One BenchmarkDotNet run in rounds (<c>dotnet run -c Release -- rounds 4 --filter ...</c>): every selected row is
/// measured once per round, in a launch of its own, and a round measures every row before the next round starts. Each
/// round is a job (<c>Round1</c>, <c>Round2</c>, ...), so the summary gives each round's ratios.
/// </summary>
/// <remarks>
/// BenchmarkDotNet measures all launches of one row before the next row. On a shared machine a slow stretch of a few
/// minutes then covers one side of a ratio and not the other (docs/benchmarks.md, runs 8 and 9). In rounds, the two
/// sides of a ratio are measured minutes apart at most, one after the other, the side that goes first alternating from
/// round to round.
/// </remarks>
public static class InterleavedRounds
{
    // The jobs' ids: the prefix and the round's number, which the orderer reads back.
    private const string RoundPrefix = "Round";

    public static IConfig Config(int rounds)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance).WithOrderer(new RoundOrderer());
        for (var round = 1; round <= rounds; round++)
        {
            config.AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(5).WithId($"{RoundPrefix}{round}"));
        }

        return config;
    }

    /// <summary>Round by round; in a round, category by category, baseline and rows in turn, reversed every other round.</summary>
    private sealed class RoundOrderer : DefaultOrderer
    {
        public override IEnumerable<BenchmarkCase> GetExecutionOrder(
            ImmutableArray<BenchmarkCase> benchmarkCases, IEnumerable<BenchmarkLogicalGroupRule>? order = null) =>
            benchmarkCases
                .GroupBy(c => c.Job.Id)
                .OrderBy(round => int.Parse(round.Key[RoundPrefix.Length..], System.Globalization.CultureInfo.InvariantCulture))
                .SelectMany((round, index) => InRound(round, reversed: index % 2 == 1));

        private static IEnumerable<BenchmarkCase> InRound(IEnumerable<BenchmarkCase> round, bool reversed)
        {
            var ordered = round
                .OrderBy(c => c.Descriptor.Type.Name, StringComparer.Ordinal)
                .ThenBy(c => string.Join(",", c.Descriptor.Categories), StringComparer.Ordinal)
                .ThenBy(c => c.Parameters.DisplayInfo, StringComparer.Ordinal)
                .ThenBy(c => c.Descriptor.MethodIndex)
                .ToList();
            return reversed ? Enumerable.Reverse(ordered) : ordered;
        }
    }
}
