using BenchmarkDotNet.Running;
using HostFactory.Storage.Json.Benchmarks;

// `-- paired [sizes…]` runs the drift-resistant create comparison (see PairedRun); anything else goes to BenchmarkDotNet.
if (args is ["paired", .. var sizes])
{
    return PairedRun.Run(sizes.Length == 0 ? [100, 10_000, 100_000] : [.. sizes.Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))]);
}

BenchmarkSwitcher.FromAssembly(typeof(StorageBenchmarks).Assembly).Run(args);
return 0;
