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
    // once here, so a call checks the listeners and a logger's level instead of asking each behaviour through an interface.
    private readonly Bypass _bypass;

    public Pipeline(IReadOnlyList<BehaviorRegistration> behaviors, IServiceProvider root)
    {
        // A loop rather than LINQ over (type, lifetime) tuples: generic code over a value type that ReadyToRun does not
        // precompile, which the JIT compiled on every one-call process (docs/benchmarks.md, issue 18).
        var types = new List<Type>(behaviors.Count);
        var singletons = new List<IPipelineBehavior<TMessage, TResult>?>(behaviors.Count);
        foreach (var behavior in behaviors)
        {
            if (TryClose(behavior.OpenType) is { } type)
            {
                types.Add(type);
                singletons.Add(behavior.Lifetime == ServiceLifetime.Singleton ? (IPipelineBehavior<TMessage, TResult>)root.GetRequiredService(type) : null);
            }
        }

        _types = types.ToArray();
        _singletons = singletons.ToArray();
        AllSingleton = Array.TrueForAll(_singletons, s => s is not null);
        if (_types.Length == 0)
        {
            _bypass = Bypass.Always;
        }
        else if (AllSingleton && Array.TrueForAll(_singletons, s => s is IConditionalBehavior))
        {
            var conditionals = _singletons.Cast<IConditionalBehavior>().ToArray();
            _bypass = Bypass.WhenNobodyListens;

            // The built-in logging behaviour's logger: one category, so one logger per container whatever the message.
            Listeners = new Listeners(
                Array.Exists(conditionals, c => c.WokenByDiagnostics),
                conditionals.Select(c => c.WokenByLogger).OfType<ILogger>().Distinct().SingleOrDefault());
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

    /// <summary>True when some call may skip every behaviour: there are none, or only built-ins that switch themselves off.</summary>
    public bool MayBypass => _bypass != Bypass.Never;

    /// <summary>What wakes the behaviours when <see cref="MayBypass"/>: nothing when there are none.</summary>
    public Listeners Listeners { get; }

    /// <summary>True when this call can go straight to the handler: no behaviours, or only built-ins that nobody listens to right now.</summary>
    public bool CanBypass
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => MayBypass && !Listeners.AnyListening;
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
