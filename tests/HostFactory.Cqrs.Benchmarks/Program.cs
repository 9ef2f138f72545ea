using BenchmarkDotNet.Running;
using HostFactory.Cqrs.Benchmarks;

if (args is ["breakdown"])
{
    ScopedDispatchBreakdown.Run(Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(DispatchBenchmarks).Assembly).Run(args);
