using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using HostFactory.Common;

namespace HostFactory.Providers.LocalProcess;

/// <summary>Sends signals and searches command lines in <c>/proc</c>: the Linux facts the provider relies on beyond <see cref="ProcessLiveness"/>.</summary>
internal static partial class ProcFs
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>
    /// Signals the process, and its whole group when it leads one (our machines do, being session
    /// leaders), so an agent's children stop with it. False when the process is already gone.
    /// </summary>
    public static bool Signal(int pid, ulong startTime, int signal)
    {
        if (!ProcessLiveness.TryReadStat(pid, out var stat) || stat.StartTime != startTime || stat.IsDead)
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
                if (commandLine.AsSpan(argument).SequenceEqual(wanted) && ProcessLiveness.TryReadStat(pid, out var stat) && !stat.IsDead)
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
