using System.Globalization;
using System.Runtime.CompilerServices;

namespace HostFactory.Cqrs.Benchmarks;

/// <summary>
/// The rows of <see cref="DispatchBenchmarks"/> and <see cref="ScopedDispatchBenchmarks"/>, each bus row against its <c>IMediator</c> row, timed in one process in
/// <see cref="RotatingRounds"/> (<c>dotnet run -c Release -- peers</c>). A second opinion on BenchmarkDotNet's ratios
/// when the machine is busy: both sides of a ratio see the same load. The cost of calling a step (measured as a step
/// that does nothing) is taken off every time; the ratio is of the medians that remain.
/// </summary>
/// <remarks>
/// Words after <c>peers</c> keep only the pairs whose category contains one of them (<c>peers query</c>,
/// <c>peers three</c>). Run a pair alone to compare as BenchmarkDotNet does, each side's code profiled only on its own
/// work: in one process Mediator's publishing code, generic over the notification and shared by both publish rows,
/// sees both events' handlers and inlines none, which made its publish rows slower than BenchmarkDotNet measures them.
/// </remarks>
public static class PeerComparison
{
    private const int Rounds = 41;
    private const int WarmupRounds = 5;
    private const int CallsPerRound = 200_000;

    public static void Run(TextWriter output, IReadOnlyCollection<string> categories)
    {
        var singleton = new DispatchBenchmarks();
        var scopedValidated = new ScopedDispatchBenchmarks { ValidateScopes = true };
        var scoped = new ScopedDispatchBenchmarks { ValidateScopes = false };
        singleton.Setup();
        scopedValidated.Setup();
        scoped.Setup();
        try
        {
            Report(output, [.. Compare(singleton, scopedValidated, scoped)
                .Where(c => categories.Count == 0 || categories.Any(word => c.Category.Contains(word, StringComparison.OrdinalIgnoreCase)))]);
        }
        finally
        {
            singleton.Cleanup();
            scopedValidated.Cleanup();
            scoped.Cleanup();
        }
    }

    private static (string Category, string Baseline, string Bus, Action RunBaseline, Action RunBus)[] Compare(
        DispatchBenchmarks rows, ScopedDispatchBenchmarks scopedValidated, ScopedDispatchBenchmarks scoped) =>
    [
        ("Singleton command", "IMediator.Send", "ICommandBus.ExecuteAsync", () => Consume(rows.IMediatorSend()), () => Consume(rows.CommandBus())),
        ("Query", "IMediator.Send", "IQueryBus.ExecuteAsync", () => Consume(rows.IMediatorSendQuery()), () => Consume(rows.QueryBus())),
        ("Publish to one handler", "IMediator.Publish", "IEventBus.PublishAsync", () => Consume(rows.IMediatorPublishToOne()), () => Consume(rows.PublishToOneHandler())),
        ("Publish to three handlers", "IMediator.Publish", "IEventBus.PublishAsync", () => Consume(rows.IMediatorPublishToThree()), () => Consume(rows.PublishToThreeHandlers())),
        ("Scoped command, ValidateScopes = true", "create scope, resolve IMediator, Send", "create scope, resolve ICommandBus, ExecuteAsync",
            () => Consume(scopedValidated.CreateScopeIMediatorSend()), () => Consume(scopedValidated.CreateScopeCommandBus())),
        ("Scoped command, ValidateScopes = false", "create scope, resolve IMediator, Send", "create scope, resolve ICommandBus, ExecuteAsync",
            () => Consume(scoped.CreateScopeIMediatorSend()), () => Consume(scoped.CreateScopeCommandBus())),
    ];

    private static void Report(TextWriter output, (string Category, string Baseline, string Bus, Action RunBaseline, Action RunBus)[] comparisons)
    {
        Action[] steps = [Nothing, .. comparisons.SelectMany(c => new[] { c.RunBaseline, c.RunBus })];
        var times = RotatingRounds.Measure(steps, Rounds, WarmupRounds, CallsPerRound);
        var overhead = times[0];
        double[] Net(int step) => [.. times[step].Select((t, round) => t - overhead[round])];

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Call overhead {RotatingRounds.Median(overhead):F2} ns, taken off every time."));
        output.WriteLine();
        output.WriteLine("| Same work | Mediator 3.0.2 | HostFactory.Cqrs | Ours ÷ Mediator |");
        output.WriteLine("|---|---:|---:|---:|");
        for (var i = 0; i < comparisons.Length; i++)
        {
            var baseline = RotatingRounds.Median(Net(1 + (2 * i)));
            var bus = RotatingRounds.Median(Net(2 + (2 * i)));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {comparisons[i].Category}: {comparisons[i].Baseline} / {comparisons[i].Bus} | {baseline:F2} ns | {bus:F2} ns | {bus / baseline:F2} |"));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Nothing() => Consume(default(ValueTask));

    // The handlers complete synchronously; a ValueTask must still be observed once.
    private static void Consume(ValueTask task) => task.GetAwaiter().GetResult();

    private static void Consume<T>(ValueTask<T> task) => task.GetAwaiter().GetResult();
}
