using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace HostFactory.Cqrs.Benchmarks;

/// <summary>
/// What a run in rounds (<see cref="InterleavedRounds"/>) adds up to, printed after BenchmarkDotNet's summary, which
/// gives each round's ratios but none across rounds: for every row against its category's baseline, each round's ratio,
/// the ratio over all rounds (the mean of all the row's measured iterations over the mean of all the baseline's, as
/// for a row of as many launches) and the median of the rounds' ratios.
/// </summary>
/// <remarks>
/// The median shows what most rounds say: a launch that runs in one of the machine's slow stretches moves the mean of
/// every round together, one round's ratio only (docs/benchmarks.md, "What the slow mode is").
/// </remarks>
public static class RoundRatios
{
    public static void Print(IEnumerable<Summary> summaries, TextWriter output)
    {
        var reports = summaries.SelectMany(summary => summary.Reports).Where(report => report.GetResultRuns().Count > 0).ToList();
        var rows = reports
            .GroupBy(report => (Group: Group(report.BenchmarkCase), Method: report.BenchmarkCase.Descriptor.WorkloadMethod.Name))
            .ToList();
        output.WriteLine();
        output.WriteLine("| Category | Row ÷ baseline | Each round | Over all rounds | Median of rounds |");
        output.WriteLine("|---|---|---|---:|---:|");
        foreach (var group in rows.GroupBy(row => row.Key.Group))
        {
            var baseline = group.FirstOrDefault(row => row.First().BenchmarkCase.Descriptor.Baseline);
            if (baseline is null)
            {
                continue;
            }

            var baselineByRound = baseline.ToDictionary(report => report.BenchmarkCase.Job.Id);
            foreach (var row in group.Where(row => row != baseline))
            {
                var rounds = row
                    .Where(report => baselineByRound.ContainsKey(report.BenchmarkCase.Job.Id))
                    .Select(report => (Row: report, Baseline: baselineByRound[report.BenchmarkCase.Job.Id]))
                    .ToList();
                var each = rounds.Select(round => Mean(round.Row) / Mean(round.Baseline)).ToList();
                var overAll = rounds.SelectMany(round => PerOperation(round.Row)).Average()
                    / rounds.SelectMany(round => PerOperation(round.Baseline)).Average();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {group.Key} | {row.Key.Method} ÷ {baseline.Key.Method} | {string.Join(" ", each.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))} | {overAll:F2} | {RotatingRounds.Median(each):F2} |"));
            }
        }
    }

    // A category of one benchmark class, with its parameters: the rows a baseline is compared with.
    private static string Group(BenchmarkCase benchmark)
    {
        var name = $"{benchmark.Descriptor.Type.Name}: {string.Join(", ", benchmark.Descriptor.Categories)}";
        return benchmark.HasParameters ? $"{name} {benchmark.Parameters.DisplayInfo}" : name;
    }

    private static double Mean(BenchmarkReport report) => PerOperation(report).Average();

    private static IEnumerable<double> PerOperation(BenchmarkReport report) =>
        report.GetResultRuns().Select(measurement => measurement.Nanoseconds / measurement.Operations);
}
