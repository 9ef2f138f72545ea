using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(HostFactory.Cqrs.Benchmarks.DispatchBenchmarks).Assembly).Run(args);
