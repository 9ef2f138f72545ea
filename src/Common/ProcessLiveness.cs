using System.Diagnostics;
using System.Globalization;

namespace HostFactory.Common;

/// <summary>What <c>/proc/&lt;pid&gt;/stat</c> says about a process.</summary>
/// <param name="State">Field 3: R, S, D, Z (zombie), X (dead), …</param>
/// <param name="ProcessGroup">Field 5: the process group id.</param>
/// <param name="StartTime">Field 22: clock ticks after boot when it started; with the pid it names one process for good.</param>
internal readonly record struct ProcessStat(char State, int ProcessGroup, ulong StartTime)
{
    /// <summary>True when the process has exited (a zombie not yet reaped, or dead).</summary>
    public bool IsDead => State is 'Z' or 'X';
}

/// <summary>
/// Whether a process still runs: the one liveness check of HostFactory. A process that has exited but is not yet
/// reaped (a zombie) is not alive.
/// </summary>
/// <remarks>A source file linked into each project that needs it (see <c>src/Common/README.md</c>).</remarks>
internal static class ProcessLiveness
{
    /// <summary>
    /// True when <paramref name="pid"/> is still the process that started at <paramref name="startTime"/> and has not
    /// exited, so a reused pid is not mistaken for it. Reads <c>/proc</c>: false where there is none.
    /// </summary>
    public static bool IsAlive(int pid, ulong startTime) =>
        TryReadStat(pid, out var stat) && stat.StartTime == startTime && !stat.IsDead;

    /// <summary>
    /// True when a process <paramref name="pid"/> runs. Without a start time a reused pid counts as alive; callers that
    /// can record the start time use <see cref="IsAlive(int, ulong)"/>. Where there is no <c>/proc</c> (macOS, Windows)
    /// it asks <see cref="Process"/>.
    /// </summary>
    public static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        if (OperatingSystem.IsLinux())
        {
            return TryReadStat(pid, out var stat) && !stat.IsDead;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Reads <c>/proc/&lt;pid&gt;/stat</c>; false when the process does not exist (or there is no <c>/proc</c>).</summary>
    public static bool TryReadStat(int pid, out ProcessStat stat)
    {
        stat = default;
        string line;
        try
        {
            line = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // The command name (field 2) is in parentheses and may itself hold spaces and parentheses: split after the last ')'.
        var close = line.LastIndexOf(')');
        if (close < 0 || close + 2 > line.Length)
        {
            return false;
        }

        var fields = line[(close + 2)..].Split(' ');
        if (fields.Length < 20
            || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group)
            || !ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }

        stat = new ProcessStat(fields[0][0], group, start);
        return true;
    }
}
