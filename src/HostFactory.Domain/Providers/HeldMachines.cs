namespace HostFactory.Domain.Providers;

/// <summary>A machine a provider holds, with the key of the provision call that made it.</summary>
/// <param name="Key">The key it was made under.</param>
/// <param name="Machine">The machine as the provider reports it now.</param>
public sealed record HeldMachine(ProvisionKey Key, ProvisionedMachine Machine);

/// <summary>
/// What <see cref="IMachineProvider.ListHeldAsync"/> found: the machines the provider holds, or, for a provider that
/// cannot tell which machines it made for which request, that it cannot say.
/// </summary>
public sealed record HeldMachines
{
    private HeldMachines(bool isSupported, IReadOnlyList<HeldMachine> machines, string? reason)
    {
        IsSupported = isSupported;
        Machines = machines;
        Reason = reason;
    }

    /// <summary>False when the provider cannot list what it holds; <see cref="Machines"/> is empty then.</summary>
    public bool IsSupported { get; }

    /// <summary>The machines found, in the provider's order.</summary>
    public IReadOnlyList<HeldMachine> Machines { get; }

    /// <summary>Why the provider cannot list what it holds; null when it can.</summary>
    public string? Reason { get; }

    /// <summary>The provider looked and found <paramref name="machines"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="machines"/> or an entry is null.</exception>
    public static HeldMachines Found(IReadOnlyList<HeldMachine> machines)
    {
        ArgumentNullException.ThrowIfNull(machines);
        foreach (var machine in machines)
        {
            ArgumentNullException.ThrowIfNull(machine, nameof(machines));
        }

        return new(true, machines, null);
    }

    /// <summary>The provider cannot tell which machines it made for which request; <paramref name="reason"/> says why.</summary>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is blank.</exception>
    public static HeldMachines NotSupported(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(false, [], reason);
    }
}
