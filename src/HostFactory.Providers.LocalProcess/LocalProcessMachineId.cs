using System.Globalization;

namespace HostFactory.Providers.LocalProcess;

/// <summary>
/// The provider machine id <c>lp-&lt;short id&gt;-&lt;pid&gt;-&lt;start time&gt;</c>: the short id names the machine's
/// folder and host name, pid and start time name the process for good (a reused pid has another start time).
/// </summary>
internal readonly record struct LocalProcessMachineId(string ShortId, int Pid, ulong StartTime)
{
    private const string Prefix = "lp-";

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{ShortId}-{Pid}-{StartTime}");

    public static bool TryParse(string? text, out LocalProcessMachineId id)
    {
        id = default;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = text[Prefix.Length..].Split('-');
        if (parts.Length != 3
            || parts[0].Length == 0
            || !parts[0].All(char.IsAsciiHexDigitLower)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || pid <= 0
            || !ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }

        id = new LocalProcessMachineId(parts[0], pid, start);
        return true;
    }
}
