namespace HostFactory.Cqrs.Tests.Support;

/// <summary>
/// What handlers and behaviours saw, in the order they saw it. Registered as a singleton in every test container;
/// locked because parallel event handlers write to it at the same time.
/// </summary>
public sealed class Recorder
{
    private readonly Lock _gate = new();
    private readonly List<string> _entries = [];
    private readonly List<CancellationToken> _tokens = [];
    private readonly List<(string Source, object Instance)> _instances = [];
    private readonly List<Exception> _thrown = [];

    /// <summary>Free-form entries such as <c>outer&gt;</c> and <c>&lt;outer</c>.</summary>
    public IReadOnlyList<string> Entries => Snapshot(_entries);

    /// <summary>The cancellation tokens handlers and behaviours received.</summary>
    public IReadOnlyList<CancellationToken> Tokens => Snapshot(_tokens);

    /// <summary>Handler and behaviour instances, to compare lifetimes.</summary>
    public IReadOnlyList<(string Source, object Instance)> Instances => Snapshot(_instances);

    /// <summary>The exceptions handlers threw, so tests can check the caller got the same instance.</summary>
    public IReadOnlyList<Exception> Thrown => Snapshot(_thrown);

    public void Add(string entry) => Append(_entries, entry);

    public void AddToken(CancellationToken token) => Append(_tokens, token);

    public void AddInstance(string source, object instance) => Append(_instances, (source, instance));

    /// <summary>Records <paramref name="exception"/> and returns it, for <c>throw recorder.Throwing(new ...)</c>.</summary>
    public Exception Throwing(Exception exception)
    {
        Append(_thrown, exception);
        return exception;
    }

    private void Append<T>(List<T> list, T item)
    {
        lock (_gate)
        {
            list.Add(item);
        }
    }

    private T[] Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }
}
