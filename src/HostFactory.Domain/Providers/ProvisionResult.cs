namespace HostFactory.Domain.Providers;

/// <summary>
/// What a provision produced: the machines made, and an error when fewer than asked were made or
/// something failed. Providers return partial results instead of throwing so no machine is leaked.
/// </summary>
/// <param name="Machines">The machines made, even when there is an error.</param>
/// <param name="Error">What went wrong; null when everything asked for was made.</param>
public sealed record ProvisionResult(IReadOnlyList<ProvisionedMachine> Machines, string? Error)
{
    /// <summary>True when there is no error.</summary>
    public bool IsComplete => Error is null;

    /// <summary>Everything asked for was made.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="machines"/> is null.</exception>
    public static ProvisionResult Success(IReadOnlyList<ProvisionedMachine> machines)
    {
        ArgumentNullException.ThrowIfNull(machines);
        return new(machines, null);
    }

    /// <summary>Some machines were made before <paramref name="error"/>; they must still be recorded.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="machines"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="error"/> is blank.</exception>
    public static ProvisionResult Partial(IReadOnlyList<ProvisionedMachine> machines, string error)
    {
        ArgumentNullException.ThrowIfNull(machines);
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return new(machines, error);
    }

    /// <summary>Nothing was made.</summary>
    /// <exception cref="ArgumentException"><paramref name="error"/> is blank.</exception>
    public static ProvisionResult Failure(string error)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return new([], error);
    }
}
