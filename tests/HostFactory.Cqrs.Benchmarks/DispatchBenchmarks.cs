using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using HostFactory.Cqrs.Benchmarks.Peer;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Benchmarks;

/// <summary>
/// What one dispatch to a singleton handler costs next to martinothamar/Mediator 3.0.2 doing the same work, and next
/// to calling the handler yourself. Each category's baseline is the <c>IMediator</c> row, so a bus row's ratio is ours ÷
/// Mediator's. The buses run with the default pipeline (diagnostics, logging, validation registered) and nothing
/// listening, as in production without tracing; Mediator runs as its README recommends for speed (see
/// <see cref="SingletonMediatorRegistration"/>). Each side has a container of its own. Nothing here resolves from a
/// scope per call, so scope validation (see <see cref="ScopedDispatchBenchmarks"/>) plays no part.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DispatchBenchmarks
{
    private readonly Ping _ping = new(1);
    private readonly Square _square = new(7);
    private readonly Pinged _pinged = new(1);
    private readonly PingedThrice _pingedThrice = new(1);
    private readonly MediatorPing _mediatorPing = new(1);
    private readonly MediatorSquare _mediatorSquare = new(7);
    private readonly MediatorPinged _mediatorPinged = new(1);
    private readonly MediatorPingedThrice _mediatorPingedThrice = new(1);
    private ServiceProvider _busRoot = null!;
    private ServiceProvider _mediatorRoot = null!;
    private IServiceScope _busScope = null!;
    private PingHandler _handler = null!;
    private ICommandBus _commandBus = null!;
    private IQueryBus _queryBus = null!;
    private IEventBus _eventBus = null!;
    private IMediator _mediator = null!;
    private global::Mediator.Mediator _concreteMediator = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true };
        _busRoot = new ServiceCollection().AddCqrs(typeof(DispatchBenchmarks).Assembly).BuildServiceProvider(options);
        _mediatorRoot = new ServiceCollection().AddSingletonMediator().BuildServiceProvider(options);

        // The buses are resolved from a scope, as an application does; their handlers here are singletons.
        _busScope = _busRoot.CreateScope();
        _handler = _busScope.ServiceProvider.GetRequiredService<PingHandler>();
        _commandBus = _busScope.ServiceProvider.GetRequiredService<ICommandBus>();
        _queryBus = _busScope.ServiceProvider.GetRequiredService<IQueryBus>();
        _eventBus = _busScope.ServiceProvider.GetRequiredService<IEventBus>();
        _mediator = _mediatorRoot.GetRequiredService<IMediator>();
        _concreteMediator = _mediatorRoot.GetRequiredService<global::Mediator.Mediator>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _busScope.Dispose();
        _busRoot.Dispose();
        _mediatorRoot.Dispose();
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
}
