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

    public static string HostEntry(string hostName, string machineId) => $"{MachinesByHost}/{FileNames.HostKey(hostName)}/{machineId}";

    public static string RequestMachineEntry(string requestId, string machineId) => $"{MachinesByRequest}/{requestId}/{machineId}";

    public static string ActiveMachineEntry(string templateId, string machineId) => $"{ActiveMachinesByTemplate}/{templateId}/{machineId}";

    public static string UnfinishedRequestEntry(string requestId) => $"{UnfinishedRequests}/{requestId}";
}
