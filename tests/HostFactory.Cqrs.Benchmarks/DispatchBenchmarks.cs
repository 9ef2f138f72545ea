using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using HostFactory.Cqrs.Benchmarks.Peer;
using HostFactory.Cqrs.Benchmarks.ScopedMediator;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Benchmarks;

/// <summary>
/// What one dispatch costs next to martinothamar/Mediator 3.0.2 doing the same work, and next to calling the handler
/// yourself. Each category's baseline is the <c>IMediator</c> row, so a bus row's ratio is ours ÷ Mediator's. The buses
/// run with the default pipeline (diagnostics, logging, validation registered) and nothing listening, as in production
/// without tracing; Mediator runs as its README recommends for speed (see <see cref="SingletonMediatorRegistration"/>).
/// Each side has a container of its own, built with the same options.
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
    private readonly MediatorPing _mediatorPing = new(1);
    private readonly MediatorScopedPing _mediatorScopedPing = new(1);
    private readonly MediatorSquare _mediatorSquare = new(7);
    private readonly MediatorPinged _mediatorPinged = new(1);
    private readonly MediatorPingedThrice _mediatorPingedThrice = new(1);
    private ServiceProvider _busRoot = null!;
    private ServiceProvider _mediatorRoot = null!;
    private ServiceProvider _scopedMediatorRoot = null!;
    private IServiceScope _busScope = null!;
    private IServiceScope _scopedMediatorScope = null!;
    private PingHandler _handler = null!;
    private ICommandBus _commandBus = null!;
    private IQueryBus _queryBus = null!;
    private IEventBus _eventBus = null!;
    private IMediator _mediator = null!;
    private global::Mediator.Mediator _concreteMediator = null!;
    private IMediator _scopedMediator = null!;

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
        _busRoot = new ServiceCollection().AddCqrs(typeof(DispatchBenchmarks).Assembly).BuildServiceProvider(options);
        _mediatorRoot = new ServiceCollection().AddSingletonMediator().BuildServiceProvider(options);
        _scopedMediatorRoot = new ServiceCollection().AddScopedMediator().BuildServiceProvider(options);

        _busScope = _busRoot.CreateScope();
        _handler = _busScope.ServiceProvider.GetRequiredService<PingHandler>();
        _commandBus = _busScope.ServiceProvider.GetRequiredService<ICommandBus>();
        _queryBus = _busScope.ServiceProvider.GetRequiredService<IQueryBus>();
        _eventBus = _busScope.ServiceProvider.GetRequiredService<IEventBus>();
        _mediator = _mediatorRoot.GetRequiredService<IMediator>();
        _concreteMediator = _mediatorRoot.GetRequiredService<global::Mediator.Mediator>();
        _scopedMediatorScope = _scopedMediatorRoot.CreateScope();
        _scopedMediator = _scopedMediatorScope.ServiceProvider.GetRequiredService<IMediator>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _busScope.Dispose();
        _scopedMediatorScope.Dispose();
        _busRoot.Dispose();
        _mediatorRoot.Dispose();
        _scopedMediatorRoot.Dispose();
    }

    [Benchmark, BenchmarkCategory("Singleton command")]
    public ValueTask DirectCall() => _handler.HandleAsync(_ping, CancellationToken.None);

    [Benchmark(Baseline = true), BenchmarkCategory("Singleton command")]
    public ValueTask<Mediator.Unit> IMediatorSend() => _mediator.Send(_mediatorPing, CancellationToken.None);

    /// <summary>The generated class's overload for this one message type: no type switch, no interface call.</summary>
    [Benchmark, BenchmarkCategory("Singleton command")]
    public ValueTask<Mediator.Unit> MediatorSend() => _concreteMediator.Send(_mediatorPing, CancellationToken.None);

    [Benchmark, BenchmarkCategory("Singleton command")]
    public ValueTask CommandBus() => _commandBus.ExecuteAsync(_ping, CancellationToken.None);

    [Benchmark(Baseline = true), BenchmarkCategory("Query")]
    public ValueTask<int> IMediatorSendQuery() => _mediator.Send(_mediatorSquare, CancellationToken.None);

    [Benchmark, BenchmarkCategory("Query")]
    public ValueTask<int> MediatorSendQuery() => _concreteMediator.Send(_mediatorSquare, CancellationToken.None);

    [Benchmark, BenchmarkCategory("Query")]
    public ValueTask<int> QueryBus() => _queryBus.ExecuteAsync(_square, CancellationToken.None);

    [Benchmark(Baseline = true), BenchmarkCategory("Publish to one handler")]
    public ValueTask IMediatorPublishToOne() => _mediator.Publish(_mediatorPinged, CancellationToken.None);

    [Benchmark, BenchmarkCategory("Publish to one handler")]
    public ValueTask PublishToOneHandler() => _eventBus.PublishAsync(_pinged, CancellationToken.None);

    [Benchmark(Baseline = true), BenchmarkCategory("Publish to three handlers")]
    public ValueTask IMediatorPublishToThree() => _mediator.Publish(_mediatorPingedThrice, CancellationToken.None);

    [Benchmark, BenchmarkCategory("Publish to three handlers")]
    public ValueTask PublishToThreeHandlers() => _eventBus.PublishAsync(_pingedThrice, CancellationToken.None);

    [Benchmark(Baseline = true), BenchmarkCategory("Scoped command")]
    public ValueTask<Mediator.Unit> CreateScopeIMediatorSend()
    {
        using var scope = _scopedMediatorRoot.CreateScope();
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
    public ValueTask<Mediator.Unit> IMediatorSendInOpenScope() => _scopedMediator.Send(_mediatorScopedPing, CancellationToken.None);

    /// <summary>The same through a bus resolved from its scope before: what the bus adds to a scoped dispatch.</summary>
    [Benchmark, BenchmarkCategory("Scoped command, open scope")]
    public ValueTask CommandBusInOpenScope() => _commandBus.ExecuteAsync(_scopedPing, CancellationToken.None);

    /// <summary>Resolve a scoped handler from a scope that already holds it, and call it: the container's part alone.</summary>
    [Benchmark, BenchmarkCategory("Scoped command, open scope")]
    public ValueTask ResolveCallInOpenScope() =>
        ((ScopedPingHandler)_busScope.ServiceProvider.GetService(typeof(ScopedPingHandler))!).HandleAsync(_scopedPing, CancellationToken.None);
}
