using HostFactory.Domain.Common;

namespace HostFactory.Domain.Machines;

/// <summary>
/// Our id of a machine: <c>m-&lt;uuid&gt;</c>, the uuid in lowercase "D" format. (The provider's
/// own id is <see cref="Machine.ProviderMachineId"/>.) A <c>default</c> value is not a valid id.
/// </summary>
public readonly record struct MachineId
{
    private const string Prefix = "m-";

    private MachineId(string value) => Value = value;

    /// <summary>The id text.</summary>
    public string Value { get; }

    /// <summary>A new random id. Never throws.</summary>
    public static MachineId New() => new(IdentifierRules.NewPrefixed(Prefix));

    /// <summary>Reads an id.</summary>
    /// <exception cref="InvalidIdentifierException"><paramref name="value"/> is not <c>m-</c> followed by a lowercase uuid.</exception>
    public static MachineId Parse(string? value) =>
        TryParse(value, out var id)
            ? id
            : throw new InvalidIdentifierException("machine id", value, IdentifierRules.PrefixedUuidRule(Prefix));

    /// <summary>Reads an id without throwing.</summary>
    /// <returns>True when <paramref name="value"/> is a valid machine id.</returns>
    public static bool TryParse(string? value, out MachineId id)
    {
        id = IdentifierRules.IsPrefixedUuid(value, Prefix) ? new MachineId(value!) : default;
        return id.Value is not null;
    }

    /// <summary>The id text (empty for <c>default</c>).</summary>
    public override string ToString() => Value ?? string.Empty;
}
