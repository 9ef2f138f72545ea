using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Abstractions;

namespace HostFactory.Providers.LocalProcess;

/// <summary>What <c>machine.json</c> holds: the key of the call that made the machine, its host name and launch time.</summary>
internal sealed record MachineRecordFile(string Key, string HostName, DateTimeOffset LaunchedAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MachineRecordFile))]
internal sealed partial class LocalProcessJsonContext : JsonSerializerContext;

/// <summary>One machine's record: its folder, the key it was made under, and when the record was written.</summary>
internal sealed record MachineRecord(string ShortId, string Directory, ProvisionKey Key, string HostName, DateTimeOffset LaunchedAt, DateTime WrittenAtUtc)
{
    /// <summary>Written by the machine's own launcher, <c>&lt;pid&gt; &lt;start time&gt;</c>, just before it becomes the command.</summary>
    public string PidFile => Path.Combine(Directory, MachineRecords.PidFileName);

    public string StandardErrorLog => Path.Combine(Directory, "stderr.log");

    /// <summary>The process the machine is (or was), once its launcher wrote the pid file; false before, or when it never did.</summary>
    public bool TryReadProcess(out LocalProcessMachineId id)
    {
        id = default;
        string text;
        try
        {
            text = File.ReadAllText(PidFile);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var startTime))
        {
            return false;
        }

        id = new LocalProcessMachineId(ShortId, pid, startTime);
        return true;
    }
}

/// <summary>
/// The machines one instance made, a folder each: <c>&lt;state&gt;/machines/&lt;short id&gt;/</c> with
/// <c>machine.json</c> (the key of the call that made it, written before the machine is started, so no machine runs
/// without a record of its key), <c>pid</c> (written by the machine's launcher as it becomes the command),
/// <c>released</c> (when a release began), and the machine's <c>stdout.log</c> and <c>stderr.log</c>. Files appear
/// whole (written to a temporary name and renamed), so a reader in another process never sees half of one.
/// </summary>
internal sealed class MachineRecords(string directory)
{
    public const string PidFileName = "pid";
    private const string RecordFileName = "machine.json";
    private const string ReleasedFileName = "released";

    /// <summary>Writes a new machine's folder and record; the machine is started after this returns.</summary>
    public MachineRecord Create(ProvisionKey key, string hostNameBase, DateTimeOffset launchedAt)
    {
        string shortId;
        string folder;
        do
        {
            shortId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
            folder = Path.Combine(directory, shortId);
        }
        while (Directory.Exists(folder));

        Directory.CreateDirectory(folder);
        var record = new MachineRecordFile(key.Value, $"{hostNameBase}-{shortId}", launchedAt);
        var path = Path.Combine(folder, RecordFileName);
        WriteWhole(path, JsonSerializer.Serialize(record, LocalProcessJsonContext.Default.MachineRecordFile));
        return new MachineRecord(shortId, folder, key, record.HostName, launchedAt, File.GetLastWriteTimeUtc(path));
    }

    /// <summary>
    /// Every machine recorded with a key, those whose key matches <paramref name="wanted"/> (every one when null). Folders
    /// of machines made before keys were recorded have no <c>machine.json</c> and are not listed.
    /// </summary>
    public IReadOnlyList<MachineRecord> Read(Func<ProvisionKey, bool>? wanted = null)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var records = new List<MachineRecord>();
        foreach (var folder in Directory.EnumerateDirectories(directory))
        {
            if (TryRead(folder) is { } record && (wanted is null || wanted(record.Key)))
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <summary>Notes that a release began (once; the first time is kept): a process that dies after this was released, not lost.</summary>
    public void MarkReleased(LocalProcessMachineId id, DateTimeOffset now)
    {
        var marker = ReleasedMarker(id);
        if (!File.Exists(marker))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
            WriteWhole(marker, now.ToString("O", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>When a release of the machine began; null when none did.</summary>
    public DateTimeOffset? ReleasedAt(LocalProcessMachineId id)
    {
        try
        {
            return DateTimeOffset.TryParse(File.ReadAllText(ReleasedMarker(id)), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The stderr log of the machine with this short id.</summary>
    public string StandardErrorLog(string shortId) => Path.Combine(directory, shortId, "stderr.log");

    /// <summary>The last 300 characters of a machine's log, for messages; empty when it cannot be read.</summary>
    public static string Tail(string path)
    {
        try
        {
            return File.Exists(path) ? ExternalCommand.Tail(File.ReadAllText(path), 300) : string.Empty;
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private string ReleasedMarker(LocalProcessMachineId id) => Path.Combine(directory, id.ShortId, ReleasedFileName);

    private static MachineRecord? TryRead(string folder)
    {
        var path = Path.Combine(folder, RecordFileName);
        MachineRecordFile? file;
        DateTime writtenAt;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(path), LocalProcessJsonContext.Default.MachineRecordFile);
            writtenAt = File.GetLastWriteTimeUtc(path);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }

        return file is not null && ProvisionKey.TryParse(file.Key, out var key) && !string.IsNullOrEmpty(file.HostName)
            ? new MachineRecord(Path.GetFileName(folder), folder, key, file.HostName, file.LaunchedAt, writtenAt)
            : null;
    }

    private static void WriteWhole(string path, string text)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
