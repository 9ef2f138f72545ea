using System.Globalization;

namespace HostFactory.Storage.Json;

/// <summary>
/// Where everything lives inside the data directory (docs/storage.md draws the tree). Index entries are handled as
/// paths relative to the root with '/' separators, which is also how they are written into journal records.
/// </summary>
internal sealed class StorageLayout(string root)
{
    public const string LayoutFile = "storage.json";
    public const string LayoutName = "hostfactory-json-files";
    public const string TemplatesDirectory = "templates";
    public const string RequestsDirectory = "requests";
    public const string MachinesDirectory = "machines";
    public const string JournalDirectory = "journal";
    public const string LocksDirectory = "locks";
    public const string MachinesByHost = "indexes/machines-by-host";
    public const string MachinesByRequest = "indexes/machines-by-request";
    public const string ActiveMachinesByTemplate = "indexes/active-machines-by-template";
    public const string UnfinishedRequests = "indexes/unfinished-requests";
    public const string DocumentExtension = ".json";
    public const string TempExtension = ".tmp";
    public const string TombstoneExtension = ".tombstone";
    public const string BatchPrefix = "batch-";

    private static long s_uniqueCounter;

    public static readonly string[] Directories =
    [
        TemplatesDirectory, RequestsDirectory, MachinesDirectory, JournalDirectory, LocksDirectory,
        MachinesByHost, MachinesByRequest, ActiveMachinesByTemplate, UnfinishedRequests,
    ];

    /// <summary>The full path of the data directory.</summary>
    public string Root { get; } = root;

    public string Full(string relative) => Path.Join(Root, relative);

    public string DocumentPath(string directory, string id) => Path.Join(Root, directory, id + DocumentExtension);

    public string IntentPath(string kind, string id) => Path.Join(Root, JournalDirectory, $"{kind}-{id}{DocumentExtension}");

    public string BatchPath(string batchId) => Path.Join(Root, JournalDirectory, BatchPrefix + batchId + DocumentExtension);

    /// <summary>The temp file of a document: one fixed name per document, safe because only the holder of the document's lock writes it.</summary>
    public static string TempPathOf(string documentPath) => documentPath + TempExtension;

    /// <summary>
    /// A temp file for <paramref name="path"/> that no other writer uses: <c>&lt;path&gt;.&lt;pid&gt;-&lt;n&gt;.tmp</c>,
    /// for files written without a per-document lock. The pid tells recovery whether the writer still lives; the
    /// counter keeps apart the stores of one process (the pid alone made two of them write one temp file).
    /// </summary>
    public static string UniqueTempPathOf(string path) => $"{path}.{UniqueSuffix()}{TempExtension}";

    /// <summary>The writer's pid in a name made by <see cref="UniqueTempPathOf"/> (or <c>&lt;path&gt;.&lt;pid&gt;.tmp</c>, as older versions named them); null when it holds none.</summary>
    public static int? OwnerOfTemp(string tempPath)
    {
        var suffix = Path.GetExtension(Path.GetFileNameWithoutExtension(tempPath.AsSpan())).TrimStart('.');
        var dash = suffix.IndexOf('-');
        var pid = dash < 0 ? suffix : suffix[..dash];
        return int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var owner) ? owner : null;
    }

    /// <summary><c>&lt;pid&gt;-&lt;n&gt;</c>, unique for the life of the process.</summary>
    public static string UniqueSuffix() =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{Interlocked.Increment(ref s_uniqueCounter)}");

    public static string HostEntry(string hostName, string machineId) => $"{MachinesByHost}/{FileNames.HostKey(hostName)}/{machineId}";

    public static string RequestMachineEntry(string requestId, string machineId) => $"{MachinesByRequest}/{requestId}/{machineId}";

    public static string ActiveMachineEntry(string templateId, string machineId) => $"{ActiveMachinesByTemplate}/{templateId}/{machineId}";

    public static string UnfinishedRequestEntry(string requestId) => $"{UnfinishedRequests}/{requestId}";
}
