using Microsoft.Extensions.Logging;

namespace HostFactory.Cli.Logging;

/// <summary>Source-generated log records of the CLI (event ids 3000–3099).</summary>
internal static partial class CliLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "hostfactory {Verb} started (configuration {ConfigurationFile} from {Source}, work directory {WorkDirectory})")]
    public static partial void Started(ILogger logger, string verb, string configurationFile, string source, string workDirectory);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "hostfactory {Verb} answered in {ElapsedMilliseconds} ms")]
    public static partial void Answered(ILogger logger, string verb, long elapsedMilliseconds);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "hostfactory {Verb} failed with exit code {ExitCode}: {Reason}")]
    public static partial void Failed(ILogger logger, string verb, int exitCode, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "hostfactory {Verb} failed unexpectedly: {Reason}")]
    public static partial void FailedUnexpectedly(ILogger logger, Exception exception, string verb, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Requested {Count} machine(s) of {TemplateId}: {RequestId} is {Status}")]
    public static partial void MachinesRequested(ILogger logger, int count, string templateId, string requestId, string status);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Return {RequestId} of {Count} machine(s) asked by name: {Message}")]
    public static partial void ReturnRequested(ILogger logger, string requestId, int count, string message);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Debug, Message = "Synced {Count} unfinished request(s) before answering getRequestStatus; {Changed} changed")]
    public static partial void Synced(ILogger logger, int count, int changed);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning, Message = "Sync of {RequestId} met a provider problem: {Problem}")]
    public static partial void SyncProblem(ILogger logger, string requestId, string problem);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "getReturnRequests could not ask every provider: {Problem}")]
    public static partial void ReturnRequestsProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Resident process {ProcessId} listening on {Socket}; it ends after {IdleSeconds} s without a call")]
    public static partial void ResidentStarted(ILogger logger, int processId, string socket, double idleSeconds);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Information, Message = "Resident process {ProcessId} stopped ({Reason}) after {Calls} call(s)")]
    public static partial void ResidentStopped(ILogger logger, int processId, string reason, long calls);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Warning, Message = "Resident process dropped a connection: {Reason}")]
    public static partial void ResidentDropped(ILogger logger, string reason);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Debug, Message = "Resident process {ProcessId} served {Verb} (exit code {ExitCode})")]
    public static partial void ResidentServed(ILogger logger, int processId, string verb, int exitCode);
}
