using System.Numerics;
using System.Runtime.CompilerServices;

namespace HostFactory.Cqrs;

/// <summary>
/// A read-only map from a runtime type to a value, built once per container, looked up by an object's type handle. A
/// struct, so the dispatcher holds its table inline: one dependent load fewer per dispatch.
/// A hit is one multiply, one array read and one compare; a <c>FrozenDictionary&lt;Type, T&gt;</c> calls
/// <see cref="Type.GetHashCode"/> and <see cref="Type.Equals(Type)"/> virtually: 1.5 ns against 5.6 ns with two keys,
/// 1.6 ns against 6.8 ns with eight (<c>TypeLookupBenchmarks</c>, docs/benchmarks.md).
/// </summary>
/// <remarks>
/// Open addressing with linear probing in a table at most half full. The map holds the <see cref="Type"/> of every key,
/// so a key's type handle stays valid (and unique) for the map's lifetime, even for types of a collectible assembly.
/// </remarks>
internal readonly struct TypeMap<TValue>
    where TValue : class
{
    private readonly Entry[] _entries;
    private readonly int _shift;

    /// <summary>Maps each of <paramref name="keys"/> to <paramref name="valueOf"/> of it.</summary>
    /// <remarks>
    /// Keys and a factory rather than a sequence of key-value pairs: LINQ over <see cref="KeyValuePair{TKey, TValue}"/>
    /// runs generic code over a value type that ReadyToRun does not precompile, some twenty methods the JIT compiled on
    /// every one-call process (docs/benchmarks.md, issue 18).
    /// </remarks>
    public TypeMap(IReadOnlyCollection<Type> keys, Func<Type, TValue> valueOf)
    {
        var bits = Math.Max(2, BitOperations.Log2((uint)Math.Max(keys.Count, 1)) + 2);
        _entries = new Entry[1 << bits];
        _shift = 64 - bits;
        foreach (var type in keys)
        {
            var value = valueOf(type);
            var handle = type.TypeHandle.Value;
            var index = Slot(handle);
            while (_entries[index].Key is not null)
            {
                index = (index + 1) & (_entries.Length - 1);
            }

            _entries[index] = new Entry(handle, type, value);
        }
    }

    /// <summary>The value mapped to <paramref name="instance"/>'s runtime type, or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TValue? Find(object instance)
    {
        var handle = TypeHandle.Of(instance);
        var entries = _entries;
        var index = Slot(handle);
        while (true)
        {
            ref readonly var entry = ref entries[index];
            if (entry.Handle == handle)
            {
                return entry.Value;
            }

            if (entry.Key is null)
            {
                return null;
            }

            index = (index + 1) & (entries.Length - 1);
        }
    }

    // Fibonacci hashing: type handles are aligned addresses close together, the multiply spreads them over the top bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(nint handle) => (int)(((ulong)handle * 0x9E3779B97F4A7C15UL) >> _shift);

    private readonly record struct Entry(nint Handle, Type? Key, TValue? Value);
}

/// <summary>An object's type handle, read from the object without materialising its <see cref="Type"/>.</summary>
/// <remarks>
/// Leans on CoreCLR's object layout, and stays because the figures need it: with <see cref="Type.GetTypeHandle"/>
/// instead (which calls <see cref="object.GetType"/>), a command to a singleton handler measured 1.06–1.08x
/// Mediator's <c>IMediator.Send</c> and a query 1.39–1.42x; with the header read 0.86–0.95x and 1.18–1.22x, in the
/// same process (docs/benchmarks.md). The singleton-command target (at most 1.0x) is met only with it.
/// </remarks>
internal static class TypeHandle
{
    // CoreCLR and NativeAOT keep an object's method table pointer in its first word, and a class's RuntimeTypeHandle is
    // that pointer. Checked once against the documented API; a runtime laid out otherwise takes the documented path.
    private static readonly bool HeaderIsTypeHandle = CheckHeader();

    /// <summary>True when <see cref="Of"/> reads the object header rather than calling <see cref="Type.GetTypeHandle"/>.</summary>
    public static bool ReadsHeader => HeaderIsTypeHandle;

    /// <summary>The same value as <c>Type.GetTypeHandle(instance).Value</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Of(object instance) => HeaderIsTypeHandle ? ReadHeader(instance) : Type.GetTypeHandle(instance).Value;

    private static bool CheckHeader()
    {
        object[] samples = [new object(), "text", new RawData(), 42, new List<int>()];
        foreach (var sample in samples)
        {
            if (ReadHeader(sample) != Type.GetTypeHandle(sample).Value)
            {
                return false;
            }
        }

        return true;
    }

    // An object's fields start one word after its method table pointer, so one word back from the first field is that
    // pointer. Read through a managed reference, not an address: a collection that moves the object cannot stale it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint ReadHeader(object instance) => Unsafe.Add(ref Unsafe.As<byte, nint>(ref Unsafe.As<RawData>(instance).Data), -1);

    private sealed class RawData
    {
        public byte Data;
    }
}
