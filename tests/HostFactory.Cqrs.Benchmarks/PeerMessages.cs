using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Benchmarks.Peer;

// The same messages and handlers as Messages.cs, written for martinothamar/Mediator 3.0.2: the same bodies, the same
// lifetimes (singleton here; the scoped command is in HostFactory.Cqrs.Benchmarks.ScopedMediator), and the same
// NoInlining on the command handler that the direct-call row calls.

public sealed record MediatorPing(int Value) : Mediator.ICommand;

public sealed record MediatorSquare(int Value) : Mediator.IQuery<int>;

public sealed record MediatorPinged(int Value) : INotification;

public sealed record MediatorPingedThrice(int Value) : INotification;

public sealed class MediatorPingHandler : Mediator.ICommandHandler<MediatorPing>
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public ValueTask<Mediator.Unit> Handle(MediatorPing command, CancellationToken cancellationToken) => default;
}

public sealed class MediatorSquareHandler : Mediator.IQueryHandler<MediatorSquare, int>
{
    public ValueTask<int> Handle(MediatorSquare query, CancellationToken cancellationToken) => new(query.Value * query.Value);
}

public sealed class MediatorPingedHandler : INotificationHandler<MediatorPinged>
{
    public ValueTask Handle(MediatorPinged notification, CancellationToken cancellationToken) => default;
}

public sealed class MediatorPingedThriceFirst : INotificationHandler<MediatorPingedThrice>
{
    public ValueTask Handle(MediatorPingedThrice notification, CancellationToken cancellationToken) => default;
}

public sealed class MediatorPingedThriceSecond : INotificationHandler<MediatorPingedThrice>
{
    public ValueTask Handle(MediatorPingedThrice notification, CancellationToken cancellationToken) => default;
}

public sealed class MediatorPingedThriceThird : INotificationHandler<MediatorPingedThrice>
{
    public ValueTask Handle(MediatorPingedThrice notification, CancellationToken cancellationToken) => default;
}

public static class SingletonMediatorRegistration
{
    /// <summary>
    /// Mediator as its README recommends for speed: the mediator and every handler singletons (the default
    /// <c>ServiceLifetime</c>), notifications published one handler after another (<c>ForeachAwaitPublisher</c>, the
    /// default, as the bus's default <c>EventPublishStrategy.Sequential</c>), no pipeline behaviours. Only this
    /// assembly is scanned, so the scoped configuration's handlers stay out.
    /// </summary>
    public static IServiceCollection AddSingletonMediator(this IServiceCollection services) =>
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.NotificationPublisherType = typeof(ForeachAwaitPublisher);
            options.Assemblies = [typeof(MediatorPing)];
        });
}
