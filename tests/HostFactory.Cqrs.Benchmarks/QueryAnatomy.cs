using System.Globalization;
using System.Runtime.CompilerServices;

namespace HostFactory.Cqrs.Benchmarks;

/// <summary>
/// What a query row of <see cref="DispatchBenchmarks"/> is made of, timed in one process in <see cref="RotatingRounds"/>
/// (<c>dotnet run -c Release -- anatomy</c>): a bare call of a generic method through an interface, which is what both
/// <c>IMediator.Send&lt;TResponse&gt;</c> and <c>IQueryBus.ExecuteAsync&lt;TResult&gt;</c> cost before their own code
/// runs (the runtime looks the target up per call), next to Mediator's generated overload for the one message type (no
/// such lookup) and the two query rows.
/// </summary>
/// <remarks>
/// Prints the first loop (a call that does nothing) as measured and the others with its time taken off, so that processes
/// can be compared: a process that runs in a slow stretch of the shared machine shows the bare generic call slower too.
/// docs/benchmarks.md, "The query row's anatomy", has thirty processes' figures.
/// </remarks>
public static class QueryAnatomy
{
    private const int Rounds = 21;
    private const int WarmupRounds = 5;
    private const int CallsPerStep = 2_000_000;

    public static void Run(TextWriter output)
    {
        var rows = new DispatchBenchmarks();
        rows.Setup();
        try
        {
            (string Name, Action Run)[] steps =
            [
                ("A loop calling a method that returns a completed `ValueTask<int>`", LoopOverNothing),
                ("A generic method called through an interface (`IGenericCall.Echo<int>`)", LoopOverGenericCall),
                ("Mediator's generated overload (`Mediator.Send(MediatorSquare)`)", () => LoopOverConcreteMediator(rows)),
                ("`IMediator.Send<int>`", () => LoopOverIMediator(rows)),
                ("`IQueryBus.ExecuteAsync<int>`", () => LoopOverQueryBus(rows)),
            ];
            var times = RotatingRounds.Measure([.. steps.Select(s => s.Run)], Rounds, WarmupRounds, callsPerRound: 1);
            double[] Net(int step) => [.. times[step].Select((t, round) => (t - times[0][round]) / CallsPerStep)];
            output.WriteLine("| Step | ns per call (median; the first row's time taken off the others) |");
            output.WriteLine("|---|---:|");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {steps[0].Name} | {RotatingRounds.Median(times[0]) / CallsPerStep:F2} (as measured) |"));
            for (var i = 1; i < steps.Length; i++)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {steps[i].Name} | {RotatingRounds.Median(Net(i)):F2} |"));
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Ours ÷ IMediator: {RotatingRounds.Median(Net(4)) / RotatingRounds.Median(Net(3)):F3}"));
        }
        finally
        {
            rows.Cleanup();
        }
    }

    private static readonly IGenericCall GenericCall = new EchoCall();

    // Each step is a loop of its own around its one call, as BenchmarkDotNet's generated loop calls a benchmark.
    private static void LoopOverNothing()
    {
        for (var i = 0; i < CallsPerStep; i++)
        {
            Consume(Nothing());
        }
    }

    private static void LoopOverGenericCall()
    {
        var call = GenericCall;
        for (var i = 0; i < CallsPerStep; i++)
        {
            Consume(call.Echo(i));
        }
    }

    private static void LoopOverConcreteMediator(DispatchBenchmarks rows)
    {
        for (var i = 0; i < CallsPerStep; i++)
        {
            Consume(rows.MediatorSendQuery());
        }
    }

    private static void LoopOverIMediator(DispatchBenchmarks rows)
    {
        for (var i = 0; i < CallsPerStep; i++)
        {
            Consume(rows.IMediatorSendQuery());
        }
    }

    private static void LoopOverQueryBus(DispatchBenchmarks rows)
    {
        for (var i = 0; i < CallsPerStep; i++)
        {
            Consume(rows.QueryBus());
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ValueTask<int> Nothing() => default;

    private static void Consume<T>(ValueTask<T> task) => task.GetAwaiter().GetResult();

    /// <summary>A generic method on an interface: each call asks the runtime for the target, as the two query calls do.</summary>
    public interface IGenericCall
    {
        ValueTask<T> Echo<T>(T value);
    }

    private sealed class EchoCall : IGenericCall
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public ValueTask<T> Echo<T>(T value) => new(value);
    }
}
