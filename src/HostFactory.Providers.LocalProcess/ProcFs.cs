using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace HostFactory.Providers.LocalProcess;

/// <summary>What <c>/proc/&lt;pid&gt;/stat</c> says about a process.</summary>
/// <param name="State">Field 3: R, S, D, Z (zombie), X (dead), …</param>
/// <param name="ProcessGroup">Field 5: the process group id.</param>
/// <param name="StartTime">Field 22: clock ticks after boot when it started; with the pid it names one process for good.</param>
internal readonly record struct ProcessStat(char State, int ProcessGroup, ulong StartTime)
{
    public bool IsDead => State is 'Z' or 'X';
}

/// <summary>Reads <c>/proc</c> and sends signals: the Linux facts the provider relies on.</summary>
internal static partial class ProcFs
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>Reads the stat line; false when the process does not exist.</summary>
    public static bool TryRead(int pid, out ProcessStat stat)
    {
        stat = default;
        string line;
        try
        {
            line = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // The command name (field 2) is in parentheses and may itself hold spaces and parentheses: split after the last ')'.
        var close = line.LastIndexOf(')');
        if (close < 0)
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

    /// <summary>True when <paramref name="pid"/> is still the process that started at <paramref name="startTime"/> and has not exited.</summary>
    public static bool IsAlive(int pid, ulong startTime) =>
        TryRead(pid, out var stat) && stat.StartTime == startTime && !stat.IsDead;

    /// <summary>
    /// Signals the process, and its whole group when it leads one (our machines do, being session
    /// leaders), so an agent's children stop with it. False when the process is already gone.
    /// </summary>
    public static bool Signal(int pid, ulong startTime, int signal)
    {
        if (!TryRead(pid, out var stat) || stat.StartTime != startTime || stat.IsDead)
        {
            return false;
        }

        var target = stat.ProcessGroup == pid ? -pid : pid;
        return Kill(target, signal) == 0 || Kill(pid, signal) == 0;
    }

    /// <summary>True when a live process has <paramref name="text"/> as one of its command-line arguments.</summary>
    public static bool AnyCommandLineHolds(string text)
    {
        var wanted = Encoding.UTF8.GetBytes(text);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            byte[] commandLine;
            try
            {
                commandLine = File.ReadAllBytes(Path.Combine(directory, "cmdline"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            // Arguments are NUL-separated; a match must be a whole argument.
            foreach (var argument in commandLine.AsSpan().Split((byte)0))
            {
                if (commandLine.AsSpan(argument).SequenceEqual(wanted) && TryRead(pid, out var stat) && !stat.IsDead)
                {
                    return true;
                }
            }
        }

        return false;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
