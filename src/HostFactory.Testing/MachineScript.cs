using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;

namespace HostFactory.Testing;

/// <summary>How one machine made by <see cref="FakeMachineProvider"/> behaves when it is described (synced).</summary>
public sealed record MachineScript
{
    private MachineScript(MachineStatus settlesAs, int describesUntilSettled, string? message)
    {
        SettlesAs = settlesAs;
        DescribesUntilSettled = describesUntilSettled;
        Message = message;
    }

    /// <summary>Pending until described <paramref name="describes"/> times, then running; 0 = running when made.</summary>
    /// <param name="describes">How many describes (syncs) it stays pending.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="describes"/> is negative.</exception>
    public static MachineScript RunningAfter(int describes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(describes);
        return new(MachineStatus.Running, describes, null);
    }

    /// <summary>Pending until described <paramref name="describes"/> times, then failed with <paramref name="message"/>.</summary>
    /// <param name="describes">How many describes it stays pending; 0 = failed when made.</param>
    /// <param name="message">What the provider says.</param>
    public static MachineScript FailsAfter(int describes, string message = "The machine failed its health check.")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(describes);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        return new(MachineStatus.Failed, describes, message);
    }

    /// <summary>Pending for ever: it never leaves pending, so its request can only time out.</summary>
    public static MachineScript Hangs { get; } = new(MachineStatus.Pending, int.MaxValue, null);

    /// <summary>The status it reaches.</summary>
    public MachineStatus SettlesAs { get; }

    /// <summary>How many describes it stays pending.</summary>
    public int DescribesUntilSettled { get; }

    /// <summary>What the provider says when it settles, if anything.</summary>
    public string? Message { get; }
}

/// <summary>What <see cref="FakeMachineProvider"/> does for one <c>ProvisionAsync</c> call.</summary>
public sealed record ProvisionScript
{
    private ProvisionScript(IReadOnlyList<MachineScript>? machines, int? made, string? error, Exception? exception)
    {
        Machines = machines;
        Made = made;
        Error = error;
        Exception = exception;
    }

    /// <summary>Makes exactly these machines (more or fewer than asked, as given) and reports success.</summary>
    /// <param name="machines">One script per machine made.</param>
    public static ProvisionScript Make(params MachineScript[] machines) => new(machines, null, null, null);

    /// <summary>Makes <paramref name="made"/> machines (default behaviour), then reports <paramref name="error"/>: a partial result.</summary>
    /// <param name="made">Machines made before the error.</param>
    /// <param name="error">The provider's error.</param>
    public static ProvisionScript Partial(int made, string error)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(made);
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return new(null, made, error, null);
    }

    /// <summary>Makes nothing and reports <paramref name="error"/>.</summary>
    /// <param name="error">The provider's error.</param>
    public static ProvisionScript Failure(string error) => Partial(0, error);

    /// <summary>Throws <paramref name="exception"/> instead of answering.</summary>
    /// <param name="exception">What to throw.</param>
    public static ProvisionScript Throws(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new(null, null, null, exception);
    }

    internal IReadOnlyList<MachineScript>? Machines { get; }

    internal int? Made { get; }

    internal string? Error { get; }

    internal Exception? Exception { get; }
}

/// <summary>One machine as <see cref="FakeMachineProvider"/> sees it.</summary>
/// <param name="ProviderMachineId">The provider's id, e.g. <c>fake-0001</c>.</param>
/// <param name="HostName">Its host name, e.g. <c>fake-0001.example</c>.</param>
/// <param name="PrivateIpAddress">Its private address.</param>
/// <param name="Status">What the provider would report now.</param>
/// <param name="Released">True once a release was asked for.</param>
/// <param name="Key">The key of the provision call that made it.</param>
public sealed record FakeMachine(string ProviderMachineId, string HostName, string PrivateIpAddress, MachineStatus Status, bool Released, ProvisionKey Key);
