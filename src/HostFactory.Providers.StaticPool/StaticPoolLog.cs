using Microsoft.Extensions.Logging;

namespace HostFactory.Providers.StaticPool;

/// <summary>The log records of the static-pool provider (event ids 5300–5399).</summary>
internal static partial class StaticPoolLog
{
    [LoggerMessage(EventId = 5300, Level = LogLevel.Information, Message = "Leased host {Host} as {LeaseId} for request {RequestId}")]
    public static partial void Leased(ILogger logger, string host, string leaseId, string requestId);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Released host {Host} (lease {LeaseId})")]
    public static partial void Released(ILogger logger, string host, string leaseId);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Warning, Message = "Operator command for host {Host} failed: {Reason}")]
    public static partial void CommandFailed(ILogger logger, string host, string reason);
}
