using HostFactory.Cqrs;

namespace HostFactory.Cqrs.Benchmarks;

public sealed record Ping(int Value) : ICommand;

public sealed record ScopedPing(int Value) : ICommand;

public sealed record Square(int Value) : IQuery<int>;

public sealed record Pinged(int Value) : IEvent;

public sealed record PingedThrice(int Value) : IEvent;

[CommandHandler(Lifetime = Microsoft.Extensions.DependencyInjection.ServiceLifetime.Singleton)]
public sealed class PingHandler : ICommandHandler<Ping>
{
    // Not inlined, so the direct call is a real call like any handler doing work, not an empty method the JIT removes.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public ValueTask HandleAsync(Ping command, CancellationToken cancellationToken) => default;
}

[CommandHandler]
public sealed class ScopedPingHandler : ICommandHandler<ScopedPing>
{
    public ValueTask HandleAsync(ScopedPing command, CancellationToken cancellationToken) => default;
}

[QueryHandler(Lifetime = Microsoft.Extensions.DependencyInjection.ServiceLifetime.Singleton)]
public sealed class SquareHandler : IQueryHandler<Square, int>
{
    public ValueTask<int> HandleAsync(Square query, CancellationToken cancellationToken) => new(query.Value * query.Value);
}

[EventHandler(Lifetime = Microsoft.Extensions.DependencyInjection.ServiceLifetime.Singleton)]
public sealed class PingedHandler : IEventHandler<Pinged>
{
    public ValueTask HandleAsync(Pinged @event, CancellationToken cancellationToken) => default;
}

[EventHandler(Lifetime = Microsoft.Extensions.DependencyInjection.ServiceLifetime.Singleton)]
public sealed class PingedThriceFirst : IEventHandler<PingedThrice>
{
    public ValueTask HandleAsync(PingedThrice @event, CancellationToken cancellationToken) => default;
}

[EventHandler(Lifetime = Microsoft.Extensions.DependencyInjection.ServiceLifetime.Singleton)]
public sealed class PingedThriceSecond : IEventHandler<PingedThrice>
{
    public ValueTask HandleAsync(PingedThrice @event, CancellationToken cancellationToken) => default;
}

[EventHandler(Lifetime = Microsoft.Extensions.DependencyInjection.ServiceLifetime.Singleton)]
public sealed class PingedThriceThird : IEventHandler<PingedThrice>
{
    public ValueTask HandleAsync(PingedThrice @event, CancellationToken cancellationToken) => default;
}
