using HostFactory.Domain.Common;

namespace HostFactory.Domain.Machines;

/// <summary>
/// What the provider last said about a machine. Allowed moves are in <see cref="MachineTransitions"/>;
/// Host Factory sees these through <see cref="Requests.HostFactoryWords"/>.
/// </summary>
public enum MachineStatus
{
    /// <summary>Being created.</summary>
    Pending,

    /// <summary>Up and usable.</summary>
    Running,

    /// <summary>Being stopped.</summary>
    Stopping,

    /// <summary>Stopped, may start again.</summary>
    Stopped,

    /// <summary>Being terminated.</summary>
    ShuttingDown,

    /// <summary>Gone for good.</summary>
    Terminated,

    /// <summary>Could not be made usable.</summary>
    Failed,

    /// <summary>The provider could not tell.</summary>
    Unknown,
}

/// <summary>
/// The one spelling of <see cref="MachineStatus"/> in storage, logs and exception messages:
/// <c>pending running stopping stopped shutting-down terminated failed unknown</c>.
/// (What Host Factory sees comes from <see cref="Requests.HostFactoryWords"/>.)
/// </summary>
public static class MachineStatusWords
{
    private static readonly WordTable<MachineStatus> Table = new(
        (MachineStatus.Pending, "pending"),
        (MachineStatus.Running, "running"),
        (MachineStatus.Stopping, "stopping"),
        (MachineStatus.Stopped, "stopped"),
        (MachineStatus.ShuttingDown, "shutting-down"),
        (MachineStatus.Terminated, "terminated"),
        (MachineStatus.Failed, "failed"),
        (MachineStatus.Unknown, "unknown"));

    /// <summary>The word for <paramref name="status"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not a defined value.</exception>
    public static string ToWord(MachineStatus status) => Table.ToWord(status);

    /// <summary>Reads a word (case-sensitive); false for anything else, including null.</summary>
    public static bool TryParse(string? word, out MachineStatus status) => Table.TryParse(word, out status);
}
