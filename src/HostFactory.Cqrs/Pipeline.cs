using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HostFactory.Cqrs;

/// <summary>The behaviours that wrap one message type, closed over it once, in order.</summary>
internal sealed class Pipeline<TMessage, TResult>
    where TMessage : notnull
{
    private readonly Type[] _types;
    private readonly IPipelineBehavior<TMessage, TResult>?[] _singletons;

    // When a call may skip every behaviour. With only built-ins that switch themselves off, what wakes them is read
    // once here, so a call checks a flag and the loggers' level instead of asking each behaviour through an interface.
    private readonly Bypass _bypass;
    private readonly bool _watchesDiagnostics;
    private readonly ILogger[] _loggers = [];

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
        if (_types.Length == 0)
        {
            _bypass = Bypass.Always;
        }
        else if (AllSingleton && Array.TrueForAll(_singletons, s => s is IConditionalBehavior))
        {
            var conditionals = _singletons.Cast<IConditionalBehavior>().ToArray();
            _bypass = Bypass.WhenNobodyListens;
            _watchesDiagnostics = Array.Exists(conditionals, c => c.WokenByDiagnostics);
            _loggers = conditionals.Select(c => c.WokenByLogger).OfType<ILogger>().Distinct().ToArray();
        }
    }

    private enum Bypass : byte
    {
        Never,
        Always,
        WhenNobodyListens,
    }

    /// <summary>True when no behaviour is a per-scope or per-call instance, so a chain over a singleton handler can be built once.</summary>
    public bool AllSingleton { get; }

    /// <summary>True when the handler can be called directly: no behaviours, or only built-ins that nobody listens to right now.</summary>
    public bool CanBypass
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_bypass != Bypass.WhenNobodyListens)
            {
                return _bypass == Bypass.Always;
            }

            if (_watchesDiagnostics && CqrsDiagnostics.IsListening)
            {
                return false;
            }

            foreach (var logger in _loggers)
            {
                if (logger.IsEnabled(LogLevel.Debug))
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

    /// <summary>
    /// Closes the behaviour over this message, or returns null when its generic constraints exclude it (e.g. validation
    /// of a message that is not <see cref="IValidatable"/>). The constraints are checked, not tried: a thrown and
    /// caught exception per behaviour and message type cost milliseconds on a cold start.
    /// </summary>
    private static Type? TryClose(Type openBehavior)
    {
        Type[] arguments = [typeof(TMessage), typeof(TResult)];
        var parameters = openBehavior.GetGenericArguments();
        for (var i = 0; i < parameters.Length; i++)
        {
            if (!GenericConstraints.AreSatisfied(parameters[i], arguments[i], arguments))
            {
                return null;
            }
        }

        return openBehavior.MakeGenericType(arguments);
    }
}

/// <summary>Checks a type argument against a generic parameter's constraints without trying to close the type.</summary>
internal static class GenericConstraints
{
    public static bool AreSatisfied(Type parameter, Type argument, Type[] arguments)
    {
        var special = parameter.GenericParameterAttributes & GenericParameterAttributes.SpecialConstraintMask;
        if (special.HasFlag(GenericParameterAttributes.ReferenceTypeConstraint) && argument.IsValueType)
        {
            return false;
        }

        if (special.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint)
            && (!argument.IsValueType || Nullable.GetUnderlyingType(argument) is not null))
        {
            return false;
        }

        if (special.HasFlag(GenericParameterAttributes.DefaultConstructorConstraint)
            && !argument.IsValueType
            && (argument.IsAbstract || argument.GetConstructor(Type.EmptyTypes) is null))
        {
            return false;
        }

        foreach (var constraint in parameter.GetGenericParameterConstraints())
        {
            if (Substitute(constraint, arguments) is not { } closed || !closed.IsAssignableFrom(argument))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Replaces the behaviour's own type parameters in a constraint such as <c>ICommand&lt;TResult&gt;</c>.</summary>
    private static Type? Substitute(Type constraint, Type[] arguments)
    {
        if (constraint.IsGenericParameter)
        {
            return arguments[constraint.GenericParameterPosition];
        }

        if (!constraint.ContainsGenericParameters)
        {
            return constraint;
        }

        if (!constraint.IsGenericType)
        {
            // Arrays or pointers of type parameters: too rare in a behaviour constraint to be worth a rule.
            return null;
        }

        var closedArguments = new Type[constraint.GetGenericArguments().Length];
        var openArguments = constraint.GetGenericArguments();
        for (var i = 0; i < openArguments.Length; i++)
        {
            if (Substitute(openArguments[i], arguments) is not { } closed)
            {
                return null;
            }

            closedArguments[i] = closed;
        }

        return constraint.GetGenericTypeDefinition().MakeGenericType(closedArguments);
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
    private readonly Type _handlerType = registration.ImplementationType;
    private readonly nint _handlerTypeHandle = registration.ImplementationType.TypeHandle.Value;
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
