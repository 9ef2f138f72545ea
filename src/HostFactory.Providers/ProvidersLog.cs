using Microsoft.Extensions.Logging;

namespace HostFactory.Providers;

/// <summary>The log records of the provider host (event ids 5100–5199).</summary>
internal static partial class ProvidersLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Debug, Message = "Loaded provider instance {InstanceName} of type {TypeName} from {AssemblyPath}")]
    public static partial void ProviderLoaded(ILogger logger, string instanceName, string typeName, string assemblyPath);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Provider {InstanceName} failed to {Operation} (attempt {Attempt}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, Exception exception, string instanceName, string operation, int attempt, double delayMs);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "Provider {InstanceName} failed to {Operation}: {Reason}")]
    public static partial void CallFailed(ILogger logger, Exception exception, string instanceName, string operation, string reason);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Error, Message = "Provider {InstanceName} returned an invalid answer to {Operation}: {Problem}")]
    public static partial void InvalidAnswer(ILogger logger, string instanceName, string operation, string problem);
}
