using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Benchmarks;

/// <summary>
/// What one dispatch costs next to calling the handler yourself. The buses run with the default pipeline
/// (diagnostics, logging, validation) and nothing listening, as in production without tracing.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DispatchBenchmarks
{
    private readonly Ping _ping = new(1);
    private readonly ScopedPing _scopedPing = new(1);
    private readonly Square _square = new(7);
    private readonly Pinged _pinged = new(1);
    private readonly PingedThrice _pingedThrice = new(1);
    private ServiceProvider _root = null!;
    private IServiceScope _scope = null!;
    private PingHandler _handler = null!;
    private ICommandBus _commandBus = null!;
    private IQueryBus _queryBus = null!;
    private IEventBus _eventBus = null!;

    /// <summary>
    /// Scope validation is a development-time check (ASP.NET Core turns it on only in Development) that costs a lookup on
    /// every resolution; both settings are measured, since the bus path resolves twice (bus, handler) and the baseline once.
    /// </summary>
    [Params(true, false)]
    public bool ValidateScopes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = new ServiceCollection()
            .AddCqrs(typeof(DispatchBenchmarks).Assembly)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = ValidateScopes });
        _scope = _root.CreateScope();
        _handler = _scope.ServiceProvider.GetRequiredService<PingHandler>();
        _commandBus = _scope.ServiceProvider.GetRequiredService<ICommandBus>();
        _queryBus = _scope.ServiceProvider.GetRequiredService<IQueryBus>();
        _eventBus = _scope.ServiceProvider.GetRequiredService<IEventBus>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _scope.Dispose();
        _root.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Singleton command")]
    public ValueTask DirectCall() => _handler.HandleAsync(_ping, CancellationToken.None);

    [Benchmark, BenchmarkCategory("Singleton command")]
    public ValueTask CommandBus() => _commandBus.ExecuteAsync(_ping, CancellationToken.None);

    [Benchmark(Baseline = true), BenchmarkCategory("Scoped command")]
    public ValueTask CreateScopeResolveCall()
    {
        using var scope = _root.CreateScope();
        return scope.ServiceProvider.GetRequiredService<ScopedPingHandler>().HandleAsync(_scopedPing, CancellationToken.None);
    }

    [Benchmark, BenchmarkCategory("Scoped command")]
    public ValueTask CreateScopeCommandBus()
    {
        using var scope = _root.CreateScope();
        return scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(_scopedPing, CancellationToken.None);
    }

    /// <summary>Resolve a scoped handler from a scope that already holds it, and call it: the container's part alone.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Scoped command, open scope")]
    public ValueTask ResolveCallInOpenScope() =>
        ((ScopedPingHandler)_scope.ServiceProvider.GetService(typeof(ScopedPingHandler))!).HandleAsync(_scopedPing, CancellationToken.None);

    /// <summary>The same through a bus resolved from that scope before: what the bus adds to a scoped dispatch.</summary>
    [Benchmark, BenchmarkCategory("Scoped command, open scope")]
    public ValueTask CommandBusInOpenScope() => _commandBus.ExecuteAsync(_scopedPing, CancellationToken.None);

    [Benchmark, BenchmarkCategory("Query")]
    public ValueTask<int> QueryBus() => _queryBus.ExecuteAsync(_square, CancellationToken.None);

    [Benchmark, BenchmarkCategory("Event")]
    public ValueTask PublishToOneHandler() => _eventBus.PublishAsync(_pinged, CancellationToken.None);

    [Benchmark, BenchmarkCategory("Event")]
    public ValueTask PublishToThreeHandlers() => _eventBus.PublishAsync(_pingedThrice, CancellationToken.None);
}
