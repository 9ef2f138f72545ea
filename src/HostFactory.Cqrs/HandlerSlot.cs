using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs;

/// <summary>
/// Resolves one message type's handler and runs it through its pipeline. Singleton handlers are resolved once; a
/// chain of singletons is built once, so such a dispatch allocates nothing.
/// </summary>
internal sealed class HandlerSlot<TMessage, THandler, TResult>(
    HandlerRegistration registration,
    CqrsRegistry registry,
    IServiceProvider root,
    Func<THandler, MessageHandlerDelegate<TMessage, TResult>> terminal)
    where TMessage : notnull
    where THandler : class
{
    private readonly Type _handlerType = registration.ImplementationType;
    private readonly nint _handlerTypeHandle = registration.ImplementationType.TypeHandle.Value;
    private THandler? _singletonHandler;
    private Pipeline<TMessage, TResult>? _pipeline;
    private MessageHandlerDelegate<TMessage, TResult>? _singletonChain;

    public Pipeline<TMessage, TResult> Pipeline
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _pipeline ?? BuildPipeline();
    }

    /// <summary>True when the handler is one instance for the container, resolved once.</summary>
    public bool IsSingleton => registration.Lifetime == ServiceLifetime.Singleton;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public THandler Handler(IServiceProvider services) => _singletonHandler ?? Resolve(services);

    public ValueTask<TResult> Run(TMessage message, THandler handler, IServiceProvider services, CancellationToken cancellationToken)
    {
        var pipeline = Pipeline;
        if (_singletonHandler is not null && pipeline.AllSingleton)
        {
            return (_singletonChain ??= pipeline.Wrap(terminal(handler), root))(message, cancellationToken);
        }

        return pipeline.Wrap(terminal(handler), services)(message, cancellationToken);
    }

    private THandler Resolve(IServiceProvider services)
    {
        if (registration.Lifetime != ServiceLifetime.Singleton)
        {
            var handler = ScopedResolution.Resolve(services, _handlerType);

            // The registered class implements THandler (the scan checked it): when the container returned exactly that
            // class, skip the checked cast, which in shared generic code looks THandler up on every call.
            return TypeHandle.Of(handler) == _handlerTypeHandle ? Unsafe.As<THandler>(handler) : (THandler)handler;
        }

        // Benign race: every thread resolves the same singleton instance.
        return _singletonHandler = (THandler)root.GetRequiredService(registration.ImplementationType);
    }

    private Pipeline<TMessage, TResult> BuildPipeline() => _pipeline = new Pipeline<TMessage, TResult>(registry.Behaviors, root);
}

/// <summary>Resolves a per-scope or per-call handler from the caller's scope.</summary>
internal static class ScopedResolution
{
    /// <summary>The handler registered as <paramref name="implementationType"/>, from <paramref name="services"/>.</summary>
    /// <remarks>
    /// Kept out of line on purpose. Inlined, dynamic PGO pulls the container's whole resolution path into the shared
    /// generic dispatch method, whose frame grows to about 300 bytes that every scoped dispatch must zero: a dispatch to
    /// a scoped handler in an open scope measured 34.8 ns inlined and 28.5 ns out of line (docs/benchmarks.md).
    /// <c>GetService</c> rather than <c>GetRequiredService</c>: the extension first asks whether the provider implements
    /// <c>ISupportRequiredService</c>, an interface cast that Microsoft's container fails on every call.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static object Resolve(IServiceProvider services, Type implementationType) =>
        services.GetService(implementationType) ?? ThrowHelper.HandlerNotResolved(implementationType);
}
