using System.Collections.Frozen;
using BenchmarkDotNet.Attributes;

namespace HostFactory.Cqrs.Benchmarks;

/// <summary>
/// Finding a message's invoker by its runtime type: the frozen dictionary the dispatcher used before, against the
/// type-handle map it uses now, with two message types (as in <see cref="DispatchBenchmarks"/>) and with eight.
/// </summary>
public class TypeLookupBenchmarks
{
    private static readonly Type[] TwoTypes = [typeof(Ping), typeof(ScopedPing)];

    private static readonly Type[] EightTypes =
        [typeof(Ping), typeof(ScopedPing), typeof(Square), typeof(Pinged), typeof(PingedThrice), typeof(string), typeof(Uri), typeof(Version)];

    // Typed as object, as the bus sees a message: the lookup cannot know its type at compile time.
    private readonly object _message = new ScopedPing(1);
    private readonly FrozenDictionary<Type, object> _frozenTwo = TwoTypes.ToFrozenDictionary(t => t, t => (object)t.Name);
    private readonly FrozenDictionary<Type, object> _frozenEight = EightTypes.ToFrozenDictionary(t => t, t => (object)t.Name);
    private readonly TypeMap<object> _mapTwo = new(TwoTypes, t => t.Name);
    private readonly TypeMap<object> _mapEight = new(EightTypes, t => t.Name);

    [Benchmark, BenchmarkCategory("Two types")]
    public object? FrozenDictionaryTwo() => _frozenTwo.GetValueOrDefault(_message.GetType());

    [Benchmark, BenchmarkCategory("Two types")]
    public object? TypeMapTwo() => _mapTwo.Find(_message);

    [Benchmark, BenchmarkCategory("Eight types")]
    public object? FrozenDictionaryEight() => _frozenEight.GetValueOrDefault(_message.GetType());

    [Benchmark, BenchmarkCategory("Eight types")]
    public object? TypeMapEight() => _mapEight.Find(_message);
}
