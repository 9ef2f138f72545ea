using Microsoft.Extensions.Logging;

namespace HostFactory.Providers.Exec;

/// <summary>The log records of the exec provider (event ids 5400–5499).</summary>
internal static partial class ExecLog
{
    [LoggerMessage(EventId = 5400, Level = LogLevel.Debug, Message = "Provider {InstanceName} runs {Program} {Operation}")]
    public static partial void Running(ILogger logger, string instanceName, string operation, string program);
}
