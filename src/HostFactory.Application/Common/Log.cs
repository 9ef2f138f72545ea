using Microsoft.Extensions.Logging;

namespace HostFactory.Application.Common;

/// <summary>Source-generated log records of the application layer (event ids 1000–1099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "{Operation}: {Entity} '{EntityId}' was changed by another process; re-running (attempt {Attempt} failed)")]
    public static partial void ConcurrencyConflict(ILogger logger, string operation, string entity, string entityId, int attempt);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Handlers of {EventType} failed; the change itself was saved")]
    public static partial void EventHandlersFailed(ILogger logger, Exception exception, string eventType);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Provider {ProviderName} failed to provision for {RequestId}: {Error}")]
    public static partial void ProvisionFailed(ILogger logger, string providerName, string requestId, string error);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Error, Message = "Provider {ProviderName} threw while provisioning for {RequestId}; the request is failed")]
    public static partial void ProvisionThrew(ILogger logger, Exception exception, string providerName, string requestId);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Provider {ProviderName} reported a machine for {RequestId} that cannot be recorded: {Error}")]
    public static partial void ProvisionedMachineRejected(ILogger logger, string providerName, string requestId, string error);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "Releasing {Count} machine(s) of {RequestId} that Host Factory never received: {Reason}")]
    public static partial void DiscardingUnwantedMachines(ILogger logger, int count, string requestId, string reason);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "Recovered request {RequestId} after an interrupted call (claim {Claim}): adopted {Adopted} machine(s), the provider made {Made}")]
    public static partial void ProvisionRecovered(ILogger logger, string requestId, int claim, int adopted, int made);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Warning, Message = "Request {RequestId} was recovered by another process while this call was still making its {Count} machine(s); they are left to that recovery")]
    public static partial void RecoveredElsewhere(ILogger logger, string requestId, int count);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Warning, Message = "Resumed return request {RequestId} after an interrupted call: released {Count} machine(s)")]
    public static partial void ReturnResumed(ILogger logger, string requestId, int count);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Provider {ProviderName} failed to {Action}: {Error}")]
    public static partial void ProviderCallFailed(ILogger logger, Exception exception, string providerName, string action, string error);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Provider {ProviderName} could not release machine {MachineId}: {Error}")]
    public static partial void ReleaseRefused(ILogger logger, string providerName, string machineId, string error);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Warning, Message = "Ignored an observation of machine {MachineId}: {Error}")]
    public static partial void ObservationIgnored(ILogger logger, string machineId, string error);
}
