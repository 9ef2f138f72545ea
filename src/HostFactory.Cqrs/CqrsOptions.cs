using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs;

/// <summary>How <see cref="IEventBus.PublishAsync"/> runs the handlers of one event.</summary>
public enum EventPublishStrategy
{
    /// <summary>One after another, in registration order. The default.</summary>
    Sequential,

    /// <summary>All started at once, then awaited together.</summary>
    Parallel,
}

/// <summary>Settings for <c>AddCqrs</c>. Every <c>AddCqrs</c> call on one service collection configures the same instance.</summary>
public sealed class CqrsOptions
{
    private readonly List<BehaviorRegistration> _behaviors = [];

    /// <summary>How event handlers run. <see cref="EventPublishStrategy.Sequential"/> by default.</summary>
    public EventPublishStrategy EventPublishStrategy { get; set; } = EventPublishStrategy.Sequential;

    /// <summary>
    /// When set, only scanned classes for which it returns <see langword="true"/> are considered: handlers, behaviours
    /// and message types alike. Applies to the scans of the <c>AddCqrs</c> calls made after it is set.
    /// </summary>
    public Func<Type, bool>? TypeFilter { get; set; }

    /// <summary>
    /// Whether the built-in logging behaviour may write its <c>Debug</c> record of each command and query dispatch
    /// (category <c>HostFactory.Cqrs</c>). <see langword="true"/> by default: every dispatch then asks the logger
    /// whether <c>Debug</c> is on, so a level switched on while the application runs takes effect from the next
    /// dispatch. Set it to <see langword="false"/> where those records are never wanted: no dispatch asks a logger, and
    /// in a host that logs a dispatch costs what it costs in one that does not. Tracing and metrics are not affected.
    /// Read when the container is built.
    /// </summary>
    public bool LogDispatches { get; set; } = true;

    /// <summary>Adds a pipeline behaviour that is not marked with <see cref="PipelineBehaviorAttribute"/>, or lives outside the scanned assemblies.</summary>
    /// <param name="openBehaviorType">An open generic class implementing <see cref="IPipelineBehavior{TMessage, TResult}"/>, such as <c>typeof(MyBehavior&lt;,&gt;)</c>.</param>
    /// <param name="order">Position in the pipeline: lower runs first (outermost).</param>
    /// <param name="lifetime">How long one behaviour instance lives.</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="HandlerRegistrationException"><paramref name="openBehaviorType"/> is not an open generic pipeline behaviour.</exception>
    public CqrsOptions AddBehavior(Type openBehaviorType, int order = 0, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(openBehaviorType);
        HandlerScanner.EnsureBehaviorShape(openBehaviorType);
        _behaviors.Add(new BehaviorRegistration(openBehaviorType, order, lifetime));
        return this;
    }

    internal IReadOnlyList<BehaviorRegistration> Behaviors => _behaviors;
}
