using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Cqrs;

/// <summary>The behaviours that wrap one message type, closed over it once, in order.</summary>
internal sealed class Pipeline<TMessage, TResult>
    where TMessage : notnull
{
    private readonly Type[] _types;
    private readonly IPipelineBehavior<TMessage, TResult>?[] _singletons;

    // Non-null when every behaviour is a built-in that can switch itself off: then a call with no listener skips them all.
    private readonly IConditionalBehavior[]? _conditionals;

    public Pipeline(IReadOnlyList<BehaviorRegistration> behaviors, IServiceProvider root)
    {
        var applicable = behaviors
            .Select(b => (Type: TryClose(b.OpenType), b.Lifetime))
            .Where(b => b.Type is not null)
            .ToArray();
        _types = applicable.Select(b => b.Type!).ToArray();
        _singletons = applicable
            .Select(b => b.Lifetime == ServiceLifetime.Singleton ? (IPipelineBehavior<TMessage, TResult>)root.GetRequiredService(b.Type!) : null)
            .ToArray();
        AllSingleton = Array.TrueForAll(_singletons, s => s is not null);
        if (AllSingleton && Array.TrueForAll(_singletons, s => s is IConditionalBehavior))
        {
            _conditionals = _singletons.Cast<IConditionalBehavior>().ToArray();
        }
    }

    /// <summary>True when no behaviour is a per-scope or per-call instance, so a chain over a singleton handler can be built once.</summary>
    public bool AllSingleton { get; }

    /// <summary>True when the handler can be called directly: no behaviours, or only built-ins that nobody listens to right now.</summary>
    public bool CanBypass
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_types.Length == 0)
            {
                return true;
            }

            var conditionals = _conditionals;
            if (conditionals is null)
            {
                return false;
            }

            foreach (var behavior in conditionals)
            {
                if (behavior.IsActive)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Wraps <paramref name="terminal"/> in every behaviour, the first registered outermost.</summary>
    public MessageHandlerDelegate<TMessage, TResult> Wrap(MessageHandlerDelegate<TMessage, TResult> terminal, IServiceProvider services)
    {
        var next = terminal;
        for (var i = _types.Length - 1; i >= 0; i--)
        {
            var behavior = _singletons[i] ?? (IPipelineBehavior<TMessage, TResult>)services.GetRequiredService(_types[i]);
            var inner = next;
            next = (message, cancellationToken) => behavior.HandleAsync(message, inner, cancellationToken);
        }

        return next;
    }

    private static Type? TryClose(Type openBehavior)
    {
        try
        {
            return openBehavior.MakeGenericType(typeof(TMessage), typeof(TResult));
        }
        catch (ArgumentException)
        {
            // The behaviour's generic constraints exclude this message (e.g. validation of a non-IValidatable one).
            return null;
        }
    }
}

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
    private THandler? _singletonHandler;
    private Pipeline<TMessage, TResult>? _pipeline;
    private MessageHandlerDelegate<TMessage, TResult>? _singletonChain;

    public bool CanBypass
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (_pipeline ?? BuildPipeline()).CanBypass;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public THandler Handler(IServiceProvider services) => _singletonHandler ?? Resolve(services);

    public ValueTask<TResult> Run(TMessage message, THandler handler, IServiceProvider services, CancellationToken cancellationToken)
    {
        var pipeline = _pipeline ?? BuildPipeline();
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
            return (THandler)services.GetRequiredService(registration.ImplementationType);
        }

        // Benign race: every thread resolves the same singleton instance.
        return _singletonHandler = (THandler)root.GetRequiredService(registration.ImplementationType);
    }

    private Pipeline<TMessage, TResult> BuildPipeline() => _pipeline = new Pipeline<TMessage, TResult>(registry.Behaviors, root);
}
