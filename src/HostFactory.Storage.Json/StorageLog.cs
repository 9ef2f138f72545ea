using Microsoft.Extensions.Logging;

namespace HostFactory.Storage.Json;

/// <summary>The storage's log records; ids 4100–4199 belong to this adapter.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "JSON file storage ready in {DataDirectory}")]
    public static partial void Ready(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Recovered an interrupted save of {Kind} {Id}: removed {Removed} stale index entries, ensured {Ensured}")]
    public static partial void RecoveredSave(ILogger logger, string kind, string id, int removed, int ensured);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Completed machine {MachineId} at version {Version} from interrupted batch {BatchId}")]
    public static partial void RolledForward(ILogger logger, string batchId, string machineId, long version);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Removed the temp file {Path} left by a process that died")]
    public static partial void RemovedAbandonedTemp(ILogger logger, string path);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "The journal record {Path} is unreadable ({Reason}); reconciling the aggregate's index entries from its current file")]
    public static partial void UnreadableIntent(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Debug, Message = "Journal record {Path} is held by a live process; left for it")]
    public static partial void RecoveryDeferred(ILogger logger, string path);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Error, Message = "Could not recover the journal record {Path}: {Reason}")]
    public static partial void RecoveryFailed(ILogger logger, Exception exception, string path, string reason);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Information, Message = "Repaired index entry {Entry}: {Action}")]
    public static partial void RepairedEntry(ILogger logger, string entry, string action);
}
