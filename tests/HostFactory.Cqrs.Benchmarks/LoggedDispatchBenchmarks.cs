using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using HostFactory.Cqrs.Benchmarks.Peer;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HostFactory.Cqrs.Benchmarks;

/// <summary>
/// <see cref="DispatchBenchmarks"/>' command and query rows in a host that logs, as a real one does: both containers
/// have logging with the console provider at its default level (Information). Mediator never asks a logger; the buses'
/// built-in logging behaviour wakes at Debug on the <c>HostFactory.Cqrs</c> category, so every dispatch asks the logger
/// whether Debug is on (and is told no), unless <see cref="CqrsOptions.LogDispatches"/> is off (the <c>…Quiet</c>
/// rows, a third container). Each category's baseline is the <c>IMediator</c> row.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LoggedDispatchBenchmarks
{
    private readonly Ping _ping = new(1);
    private readonly Square _square = new(7);
    private readonly MediatorPing _mediatorPing = new(1);
    private readonly MediatorSquare _mediatorSquare = new(7);
    private ServiceProvider _busRoot = null!;
    private ServiceProvider _quietBusRoot = null!;
    private ServiceProvider _mediatorRoot = null!;
    private IServiceScope _busScope = null!;
    private IServiceScope _quietBusScope = null!;
    private ICommandBus _commandBus = null!;
    private IQueryBus _queryBus = null!;
    private ICommandBus _quietCommandBus = null!;
    private IQueryBus _quietQueryBus = null!;
    private IMediator _mediator = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true };
        _busRoot = new ServiceCollection()
            .AddLogging(logging => logging.AddConsole())
            .AddCqrs(typeof(LoggedDispatchBenchmarks).Assembly)
            .BuildServiceProvider(options);
        _quietBusRoot = new ServiceCollection()
            .AddLogging(logging => logging.AddConsole())
            .AddCqrs(cqrs => cqrs.LogDispatches = false, typeof(LoggedDispatchBenchmarks).Assembly)
            .BuildServiceProvider(options);
        _mediatorRoot = new ServiceCollection()
            .AddLogging(logging => logging.AddConsole())
            .AddSingletonMediator()
            .BuildServiceProvider(options);
        _busScope = _busRoot.CreateScope();
        _commandBus = _busScope.ServiceProvider.GetRequiredService<ICommandBus>();
        _queryBus = _busScope.ServiceProvider.GetRequiredService<IQueryBus>();
        _quietBusScope = _quietBusRoot.CreateScope();
        _quietCommandBus = _quietBusScope.ServiceProvider.GetRequiredService<ICommandBus>();
        _quietQueryBus = _quietBusScope.ServiceProvider.GetRequiredService<IQueryBus>();
        _mediator = _mediatorRoot.GetRequiredService<IMediator>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _busScope.Dispose();
        _busRoot.Dispose();
        _quietBusScope.Dispose();
        _quietBusRoot.Dispose();
        _mediatorRoot.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Singleton command, logging registered")]
    public ValueTask<Mediator.Unit> IMediatorSend() => _mediator.Send(_mediatorPing, CancellationToken.None);

    [Benchmark, BenchmarkCategory("Singleton command, logging registered")]
    public ValueTask CommandBus() => _commandBus.ExecuteAsync(_ping, CancellationToken.None);

    [Benchmark, BenchmarkCategory("Singleton command, logging registered")]
    public ValueTask CommandBusQuiet() => _quietCommandBus.ExecuteAsync(_ping, CancellationToken.None);

    [Benchmark(Baseline = true), BenchmarkCategory("Query, logging registered")]
    public ValueTask<int> IMediatorSendQuery() => _mediator.Send(_mediatorSquare, CancellationToken.None);

    [Benchmark, BenchmarkCategory("Query, logging registered")]
    public ValueTask<int> QueryBus() => _queryBus.ExecuteAsync(_square, CancellationToken.None);

    [Benchmark, BenchmarkCategory("Query, logging registered")]
    public ValueTask<int> QueryBusQuiet() => _quietQueryBus.ExecuteAsync(_square, CancellationToken.None);
}
