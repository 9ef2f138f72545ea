using System.Globalization;

namespace HostFactory.Cli.Demo;

/// <summary>Tells whether a process still runs, by its pid and start time (so a reused pid is not mistaken for it).</summary>
internal static class ProcessProbe
{
    /// <summary>True when <c>/proc/&lt;pid&gt;</c> is the process that started at <paramref name="startTime"/> and is not a zombie.</summary>
    public static bool IsAlive(int pid, ulong startTime)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // The command name (field 2) may hold spaces and parentheses; the fields after the last ')' are plain.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19
            && fields[0] != "Z"
            && ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var started)
            && started == startTime;
    }
}
