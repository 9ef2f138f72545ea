using BenchmarkDotNet.Running;
using HostFactory.Cqrs.Benchmarks;

switch (args)
{
    case ["breakdown"]:
        ScopedDispatchBreakdown.Run(Console.Out);
        return;
    case ["anatomy"]:
        QueryAnatomy.Run(Console.Out);
        return;
    case ["rounds", var count, .. var rest]:
        if (!int.TryParse(count, System.Globalization.CultureInfo.InvariantCulture, out var rounds) || rounds < 1)
        {
            Console.Error.WriteLine($"rounds: expected a positive number of rounds, got '{count}'.");
            Environment.ExitCode = 2;
            return;
        }

        RoundRatios.Print(BenchmarkSwitcher.FromAssembly(typeof(DispatchBenchmarks).Assembly).Run(rest, InterleavedRounds.Config(rounds)), Console.Out);
        return;
    case ["peers", .. var categories]:
        PeerComparison.Run(Console.Out, categories);
        return;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(DispatchBenchmarks).Assembly).Run(args);
        return;
}
