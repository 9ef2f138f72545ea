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
    case ["peers", .. var categories]:
        PeerComparison.Run(Console.Out, categories);
        return;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(DispatchBenchmarks).Assembly).Run(args);
        return;
}
