namespace HostFactory.Cqrs.Tests;

public sealed class TypeMapTests
{
    [Fact]
    public void Find_WhenManyTypesAreMapped_ReturnsEachInstancesOwnValue()
    {
        var samples = Samples(400);
        var map = new TypeMap<string>(samples.Select(s => s.GetType()).ToArray(), type => type.FullName!);

        samples.Should().AllSatisfy(sample => map.Find(sample).Should().Be(sample.GetType().FullName));
    }

    [Fact]
    public void Find_WhenTypeIsNotMapped_ReturnsNull()
    {
        var samples = Samples(400);
        var mapped = samples.Where((_, i) => i % 2 == 0).ToArray();
        var unmapped = samples.Where((_, i) => i % 2 == 1).ToArray();
        var map = new TypeMap<string>(mapped.Select(s => s.GetType()).ToArray(), type => type.FullName!);

        unmapped.Should().AllSatisfy(sample => map.Find(sample).Should().BeNull());
        mapped.Should().AllSatisfy(sample => map.Find(sample).Should().Be(sample.GetType().FullName));
    }

    [Fact]
    public void Find_WhenOnlyABaseTypeIsMapped_ReturnsNull()
    {
        var map = new TypeMap<string>([typeof(Exception)], _ => "exception");

        map.Find(new Exception()).Should().Be("exception");
        map.Find(new InvalidOperationException()).Should().BeNull("the map matches exact runtime types, as dispatch does");
    }

    [Fact]
    public void Find_WhenInstanceIsABoxedStruct_MatchesTheStructType()
    {
        var map = new TypeMap<string>([typeof(int), typeof(long)], type => type == typeof(int) ? "int" : "long");

        map.Find(42).Should().Be("int");
        map.Find(42L).Should().Be("long");
        map.Find((short)42).Should().BeNull();
    }

    [Fact]
    public void Find_WhenMapIsEmpty_ReturnsNull()
    {
        var map = new TypeMap<string>([], type => type.Name);

        map.Find(new object()).Should().BeNull();
        map.Find("text").Should().BeNull();
    }

    [Fact]
    public void TypeHandleOf_OnThisRuntime_ReadsTheObjectHeader()
    {
        TypeHandle.ReadsHeader.Should().BeTrue("CoreCLR keeps the method table pointer in an object's first word");
    }

    [Fact]
    public void TypeHandleOf_ForAssortedObjects_EqualsTheDocumentedTypeHandle()
    {
        object[] objects =
        [
            new object(), "text", string.Empty, 42, 42L, 4.2m, (short)1, Guid.NewGuid(), DateTime.UnixEpoch, (int?)7,
            new List<string>(), new Dictionary<int, object>(), KeyValuePair.Create(1, "one"), (1, "tuple"),
            new InvalidOperationException(), new Uri("http://localhost/"), typeof(string), new Action(() => { }),
            new TypeMapTests(), new StringComparer[1], Array.Empty<int>(), new int[2, 2],
            .. Samples(50),
        ];

        objects.Should().AllSatisfy(o => TypeHandle.Of(o).Should().Be(Type.GetTypeHandle(o).Value, o.GetType().FullName));
    }

    /// <summary>
    /// Empty arrays of the core library's public types: real, distinct runtime types, enough of them that table slots
    /// collide and probing is exercised.
    /// </summary>
    private static object[] Samples(int count) =>
        typeof(object).Assembly.GetExportedTypes()
            .Where(t => !t.ContainsGenericParameters && !t.IsByRefLike && !t.IsPointer && t != typeof(void))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(TryEmptyArray)
            .OfType<object>()
            .Take(count)
            .ToArray();

    private static object? TryEmptyArray(Type elementType)
    {
        try
        {
            return Array.CreateInstance(elementType, 0);
        }
        catch (NotSupportedException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
