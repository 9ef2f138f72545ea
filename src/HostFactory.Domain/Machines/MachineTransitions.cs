namespace HostFactory.Domain.Machines;

/// <summary>The machine state machine. Terminated goes nowhere; Unknown may become anything else.</summary>
public static class MachineTransitions
{
    private static readonly Dictionary<MachineStatus, MachineStatus[]> Allowed = new()
    {
        [MachineStatus.Pending] =
            [MachineStatus.Running, MachineStatus.Stopping, MachineStatus.ShuttingDown, MachineStatus.Terminated, MachineStatus.Failed, MachineStatus.Unknown],
        [MachineStatus.Running] =
            [MachineStatus.Stopping, MachineStatus.Stopped, MachineStatus.ShuttingDown, MachineStatus.Terminated, MachineStatus.Failed, MachineStatus.Unknown],
        [MachineStatus.Stopping] =
            [MachineStatus.Stopped, MachineStatus.ShuttingDown, MachineStatus.Terminated, MachineStatus.Unknown],
        [MachineStatus.Stopped] =
            [MachineStatus.Running, MachineStatus.ShuttingDown, MachineStatus.Terminated, MachineStatus.Unknown],
        [MachineStatus.ShuttingDown] =
            [MachineStatus.Terminated, MachineStatus.Unknown],
        [MachineStatus.Failed] =
            [MachineStatus.ShuttingDown, MachineStatus.Terminated],
        [MachineStatus.Unknown] =
            [MachineStatus.Pending, MachineStatus.Running, MachineStatus.Stopping, MachineStatus.Stopped, MachineStatus.ShuttingDown, MachineStatus.Terminated, MachineStatus.Failed],
        [MachineStatus.Terminated] = [],
    };

    /// <summary>True when a machine may move from <paramref name="from"/> to <paramref name="to"/>. Never throws.</summary>
    public static bool IsAllowed(MachineStatus from, MachineStatus to) =>
        Allowed.TryGetValue(from, out var targets) && targets.Contains(to);

    extension(MachineStatus status)
    {
        /// <summary>True unless the machine is Terminated or Failed: it still counts against its template's limit.</summary>
        public bool IsActive => status is not (MachineStatus.Terminated or MachineStatus.Failed);
    }
}
