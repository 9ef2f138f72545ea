using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace HostFactory.Cqrs;

/// <summary>Throws kept out of the dispatch methods so those stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void HandlerNotFound(Type messageType, IReadOnlyList<Assembly> scanned) =>
        throw new HandlerNotFoundException(messageType, scanned);

    [DoesNotReturn]
    public static object HandlerNotResolved(Type handlerType) =>
        throw new InvalidOperationException(
            $"The container returned no {TypeNames.Describe(handlerType)}: AddCqrs registered it as a handler; was that registration removed?");

    [DoesNotReturn]
    public static void Registration(Type type, string message) =>
        throw new HandlerRegistrationException(type, message);

    [DoesNotReturn]
    public static void WrongResultType(Type messageType, Type expected, Type actual) =>
        throw new InvalidOperationException(
            $"{TypeNames.Describe(messageType)} was dispatched expecting a result of {TypeNames.Describe(expected)}, but its handler returns {TypeNames.Describe(actual)}.");
}

/// <summary>Readable type names for error messages: <c>Ns.Outer.Inner&lt;Int32&gt;</c> rather than backticks.</summary>
internal static class TypeNames
{
    public static string Describe(Type type)
    {
        var name = type.IsNested ? $"{Describe(type.DeclaringType!)}.{type.Name}" : type.FullName ?? type.Name;
        if (!type.IsGenericType)
        {
            return name;
        }

        var tick = name.IndexOf('`', StringComparison.Ordinal);
        var bare = tick < 0 ? name : name[..tick];
        return $"{bare}<{string.Join(", ", type.GetGenericArguments().Select(a => a.IsGenericParameter ? a.Name : Describe(a)))}>";
    }
}
