using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace HostFactory.Cqrs;

/// <summary>
/// The invoker a bus remembers: the first it used that calls a singleton handler directly, so that a bus sending that
/// message type again reaches the handler without the dispatcher's lookup. Checked on every call against the message's
/// runtime type alone: only an invoker whose message type can be sent expecting one result is remembered
/// (<see cref="Invoker.ResultIsImplied"/>), so a message of that type reaches the bus only through the overload and
/// result type the invoker serves. Any other message goes through the dispatcher.
/// </summary>
/// <remarks>
/// Remembered once and never replaced: a bus shared by threads sending different messages would otherwise write its own
/// fields on most calls, and every core reading the bus would wait for that cache line. Only an invoker with a direct
/// route, so that a bus resolved per scope to send one message to a scoped handler writes nothing (remembering every
/// invoker cost that dispatch about 5 ns, most likely the store's write barrier). It stays because the figures need it:
/// a query to a singleton handler measured 1.29x Mediator's <c>IMediator.Send</c> through the dispatcher's lookup and
/// 1.02x with the bus remembering (medians of 67 and 46 processes, the builds alternating; docs/benchmarks.md, "Fourth
/// pass").
/// </remarks>
internal struct RememberedInvoker
{
    private Invoker? _invoker;

    /// <summary>The remembered invoker, when it serves <paramref name="message"/>.</summary>
    /// <typeparam name="TInvoker">
    /// The invoker class for the caller's overload and result type: <see cref="VoidCommandInvoker"/> or
    /// <see cref="ResultInvoker{TResult}"/>. The message's type implies it: the remembered invoker's message type is
    /// sent expecting its one result, so the caller's <typeparamref name="TInvoker"/> is the invoker's class.
    /// </typeparam>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Serves<TInvoker>(object message, [NotNullWhen(true)] out TInvoker? invoker)
        where TInvoker : Invoker
    {
        var remembered = _invoker;
        if (remembered is not null && remembered.MessageType == TypeHandle.Of(message))
        {
            invoker = Unsafe.As<TInvoker>(remembered);
            return true;
        }

        invoker = null;
        return false;
    }

    /// <summary>
    /// Remembers <paramref name="invoker"/> when nothing is remembered yet, its direct route is open (and so stays open)
    /// and its message type implies its result type.
    /// </summary>
    public void Remember(Invoker invoker)
    {
        if (_invoker is null && invoker.HasDirectRoute && invoker.ResultIsImplied)
        {
            _invoker = invoker;
        }
    }
}
