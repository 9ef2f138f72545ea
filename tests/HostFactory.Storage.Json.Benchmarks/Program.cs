using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(HostFactory.Storage.Json.Benchmarks.StorageBenchmarks).Assembly).Run(args);
