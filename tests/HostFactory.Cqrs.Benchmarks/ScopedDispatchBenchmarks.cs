using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using HostFactory.Cqrs.Benchmarks.ScopedMediator;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Benchmarks;

/// <summary>
/// A dispatch to a scoped handler next to Mediator 3.0.2 configured scoped (its <c>ServiceLifetime</c> option, in
/// HostFactory.Cqrs.Benchmarks.ScopedMediator): create a scope, resolve the bus or the mediator, send. Each category's
/// baseline is the <c>IMediator</c> row. The open-scope rows show what each side adds once the scope and the bus or
/// mediator exist, next to resolving and calling the handler by hand.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ScopedDispatchBenchmarks
{
    private readonly ScopedPing _scopedPing = new(1);
    private readonly MediatorScopedPing _mediatorScopedPing = new(1);
    private ServiceProvider _busRoot = null!;
    private ServiceProvider _mediatorRoot = null!;
    private IServiceScope _busScope = null!;
    private IServiceScope _mediatorScope = null!;
    private ICommandBus _commandBus = null!;
    private IMediator _mediator = null!;

    /// <summary>
    /// Scope validation is a development-time check (ASP.NET Core turns it on only in Development) that costs a lookup on
    /// every resolution from a scope; both settings are measured, for both sides.
    /// </summary>
    [Params(true, false)]
    public bool ValidateScopes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = ValidateScopes };
        _busRoot = new ServiceCollection().AddCqrs(typeof(ScopedDispatchBenchmarks).Assembly).BuildServiceProvider(options);
        _mediatorRoot = new ServiceCollection().AddScopedMediator().BuildServiceProvider(options);
        _busScope = _busRoot.CreateScope();
        _commandBus = _busScope.ServiceProvider.GetRequiredService<ICommandBus>();
        _mediatorScope = _mediatorRoot.CreateScope();
        _mediator = _mediatorScope.ServiceProvider.GetRequiredService<IMediator>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _busScope.Dispose();
        _mediatorScope.Dispose();
        _busRoot.Dispose();
        _mediatorRoot.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Scoped command")]
    public ValueTask<Mediator.Unit> CreateScopeIMediatorSend()
    {
        using var scope = _mediatorRoot.CreateScope();
        return scope.ServiceProvider.GetRequiredService<IMediator>().Send(_mediatorScopedPing, CancellationToken.None);
    }

    [Benchmark, BenchmarkCategory("Scoped command")]
    public ValueTask CreateScopeCommandBus()
    {
        using var scope = _busRoot.CreateScope();
        return scope.ServiceProvider.GetRequiredService<ICommandBus>().ExecuteAsync(_scopedPing, CancellationToken.None);
    }

    /// <summary>The hand-written floor: create a scope, resolve the handler, call it.</summary>
    [Benchmark, BenchmarkCategory("Scoped command")]
    public ValueTask CreateScopeResolveCall()
    {
        using var scope = _busRoot.CreateScope();
        return scope.ServiceProvider.GetRequiredService<ScopedPingHandler>().HandleAsync(_scopedPing, CancellationToken.None);
    }

    /// <summary>A mediator resolved from a scope beforehand sends to that scope's handler: what Mediator adds to a scoped dispatch.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Scoped command, open scope")]
    public ValueTask<Mediator.Unit> IMediatorSendInOpenScope() => _mediator.Send(_mediatorScopedPing, CancellationToken.None);

    /// <summary>The same through a bus resolved from its scope before: what the bus adds to a scoped dispatch.</summary>
    [Benchmark, BenchmarkCategory("Scoped command, open scope")]
    public ValueTask CommandBusInOpenScope() => _commandBus.ExecuteAsync(_scopedPing, CancellationToken.None);

    /// <summary>Resolve a scoped handler from a scope that already holds it, and call it: the container's part alone.</summary>
    [Benchmark, BenchmarkCategory("Scoped command, open scope")]
    public ValueTask ResolveCallInOpenScope() =>
        ((ScopedPingHandler)_busScope.ServiceProvider.GetService(typeof(ScopedPingHandler))!).HandleAsync(_scopedPing, CancellationToken.None);
}
