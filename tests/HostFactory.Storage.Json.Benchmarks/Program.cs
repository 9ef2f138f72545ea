using BenchmarkDotNet.Running;
using HostFactory.Storage.Json.Benchmarks;

// `-- paired` runs the drift-resistant create comparison (see PairedRun); anything else goes to BenchmarkDotNet.
if (args is ["paired"])
{
    return PairedRun.Run();
}

BenchmarkSwitcher.FromAssembly(typeof(StorageBenchmarks).Assembly).Run(args);
return 0;
