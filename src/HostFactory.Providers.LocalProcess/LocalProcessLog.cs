using Microsoft.Extensions.Logging;

namespace HostFactory.Providers.LocalProcess;

/// <summary>The log records of the local-process provider (event ids 5200–5299).</summary>
internal static partial class LocalProcessLog
{
    [LoggerMessage(EventId = 5200, Level = LogLevel.Information, Message = "Started machine {HostName} as process {Pid} for request {RequestId}")]
    public static partial void Started(ILogger logger, string hostName, int pid, string requestId);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Sent SIGTERM to machine process {Pid}")]
    public static partial void Terminating(ILogger logger, int pid);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Warning, Message = "Machine process {Pid} outlived its {GraceSeconds} s grace period; sent SIGKILL")]
    public static partial void Killed(ILogger logger, int pid, double graceSeconds);
}
