using HostFactory.Cqrs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs.Tests.Fixtures.Lifetimes;

// Each handler answers with itself (or what it was given), so the test can compare instances.

/// <summary>A per-scope service, registered by the tests with AddScoped.</summary>
public sealed class ScopedDependency;

public sealed record WhichSingletonHandler : IQuery<object>;

public sealed record WhichScopedHandler : IQuery<object>;

public sealed record WhichTransientHandler : IQuery<object>;

public sealed record WhichDependencyScoped : IQuery<ScopedDependency>;

public sealed record WhichDependencyTransient : IQuery<ScopedDependency>;

public sealed record LifetimeProbed : IEvent;

[QueryHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class SingletonHandler : IQueryHandler<WhichSingletonHandler, object>
{
    public ValueTask<object> HandleAsync(WhichSingletonHandler query, CancellationToken cancellationToken) => ValueTask.FromResult<object>(this);
}

[QueryHandler(Lifetime = ServiceLifetime.Scoped)]
public sealed class ScopedHandler : IQueryHandler<WhichScopedHandler, object>
{
    public ValueTask<object> HandleAsync(WhichScopedHandler query, CancellationToken cancellationToken) => ValueTask.FromResult<object>(this);
}

[QueryHandler(Lifetime = ServiceLifetime.Transient)]
public sealed class TransientHandler : IQueryHandler<WhichTransientHandler, object>
{
    public ValueTask<object> HandleAsync(WhichTransientHandler query, CancellationToken cancellationToken) => ValueTask.FromResult<object>(this);
}

[QueryHandler]
public sealed class ScopedDependentHandler(ScopedDependency dependency) : IQueryHandler<WhichDependencyScoped, ScopedDependency>
{
    public ValueTask<ScopedDependency> HandleAsync(WhichDependencyScoped query, CancellationToken cancellationToken) => ValueTask.FromResult(dependency);
}

[QueryHandler(Lifetime = ServiceLifetime.Transient)]
public sealed class TransientDependentHandler(ScopedDependency dependency) : IQueryHandler<WhichDependencyTransient, ScopedDependency>
{
    public ValueTask<ScopedDependency> HandleAsync(WhichDependencyTransient query, CancellationToken cancellationToken) => ValueTask.FromResult(dependency);
}

[EventHandler(Lifetime = ServiceLifetime.Singleton)]
public sealed class SingletonEventHandler(Recorder recorder) : IEventHandler<LifetimeProbed>
{
    public ValueTask HandleAsync(LifetimeProbed @event, CancellationToken cancellationToken)
    {
        recorder.AddInstance("singleton", this);
        return ValueTask.CompletedTask;
    }
}

[EventHandler(Lifetime = ServiceLifetime.Transient)]
public sealed class TransientEventHandler(Recorder recorder) : IEventHandler<LifetimeProbed>
{
    public ValueTask HandleAsync(LifetimeProbed @event, CancellationToken cancellationToken)
    {
        recorder.AddInstance("transient", this);
        return ValueTask.CompletedTask;
    }
}

[EventHandler]
public sealed class ScopedEventHandler(Recorder recorder) : IEventHandler<LifetimeProbed>
{
    public ValueTask HandleAsync(LifetimeProbed @event, CancellationToken cancellationToken)
    {
        recorder.AddInstance("scoped", this);
        return ValueTask.CompletedTask;
    }
}
