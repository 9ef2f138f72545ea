using System.Runtime.InteropServices;

namespace HostFactory.Common;

/// <summary>
/// Runs another program in this process's place (<c>execvp</c>): same pid, same stdin, stdout and stderr, same
/// environment. How one of Host Factory's programs hands a call to another, so the caller sees only the one that
/// answers.
/// </summary>
/// <remarks>A source file linked into each project that needs it (see <c>src/Common/README.md</c>).</remarks>
internal static partial class ProgramExec
{
    /// <summary>
    /// Execs <paramref name="program"/> (a path, or a name looked up on PATH) with <paramref name="argv"/>, whose first
    /// word is the program's own name; returns only when that fails, with the system's reason.
    /// </summary>
    public static string Run(string program, IReadOnlyList<string> argv)
    {
        string?[] terminated = [.. argv, null];
        _ = ExecVP(program, terminated);
        return Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
    }

    [LibraryImport("libc", EntryPoint = "execvp", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ExecVP(string file, string?[] argv);
}
