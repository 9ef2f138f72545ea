using Microsoft.Extensions.Logging;

namespace HostFactory.Hosting;

/// <summary>Source-generated log records of <see cref="HostFactoryReconciler"/> (event ids 20–39).</summary>
internal static partial class ReconcilerLog
{
    [LoggerMessage(EventId = 6020, Level = LogLevel.Information, Message = "Reconciler started: a pass every {Interval}")]
    public static partial void Started(ILogger logger, TimeSpan interval);

    [LoggerMessage(EventId = 6021, Level = LogLevel.Information, Message = "Reconciler is disabled (hostFactory:reconciler:enabled is false)")]
    public static partial void Disabled(ILogger logger);

    [LoggerMessage(EventId = 6022, Level = LogLevel.Debug, Message = "Reconciler pass done: {Retried} retried, {Synced} synced, {Changed} changed, {Reclaimed} reclaimed recorded, {Problems} problem(s)")]
    public static partial void PassDone(ILogger logger, int retried, int synced, int changed, int reclaimed, int problems);

    [LoggerMessage(EventId = 6023, Level = LogLevel.Error, Message = "Reconciler step {Step} failed; the next pass tries again")]
    public static partial void StepFailed(ILogger logger, Exception exception, string step);

    [LoggerMessage(EventId = 6024, Level = LogLevel.Warning, Message = "Reconciler: {Problem}")]
    public static partial void Problem(ILogger logger, string problem);

    [LoggerMessage(EventId = 6025, Level = LogLevel.Information, Message = "Request {RequestId} went from {Before} to {After}")]
    public static partial void RequestMoved(ILogger logger, string requestId, string before, string after);

    [LoggerMessage(EventId = 6026, Level = LogLevel.Warning, Message = "Stuck request {RequestId}, retry {Attempt}: {Outcome}")]
    public static partial void ProvisionRetried(ILogger logger, string requestId, int attempt, string outcome);

    [LoggerMessage(EventId = 6027, Level = LogLevel.Warning, Message = "Machine {MachineId} ({HostName}) was taken back by its provider: {Reason}")]
    public static partial void MachineReclaimed(ILogger logger, string machineId, string hostName, string reason);

    [LoggerMessage(EventId = 6028, Level = LogLevel.Warning, Message = "Provider {ProviderName} holds machine {ProviderMachineId} ({HostName}, key {ProvisionKey}) that no request owns: {Reason} It is not released; see 'hostfactory providers orphans'.")]
    public static partial void OrphanFound(ILogger logger, string providerName, string providerMachineId, string hostName, string provisionKey, string reason);
}
