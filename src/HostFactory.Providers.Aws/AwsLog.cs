using Microsoft.Extensions.Logging;

namespace HostFactory.Providers.Aws;

/// <summary>The log records of the aws-ec2 provider (event ids 5600–5699). None carries a credential.</summary>
internal static partial class AwsLog
{
    [LoggerMessage(EventId = 5600, Level = LogLevel.Information, Message = "Provider {InstanceName} calls {Action} for {Count} instance(s) of template {TemplateId} under key {ProvisionKey}")]
    public static partial void Launching(ILogger logger, string instanceName, string action, int count, string templateId, string provisionKey);

    [LoggerMessage(EventId = 5601, Level = LogLevel.Information, Message = "Provider {InstanceName}: {Action} under key {ProvisionKey} gave {Made} of {Count} instance(s): {InstanceIds}")]
    public static partial void Launched(ILogger logger, string instanceName, string action, string provisionKey, int made, int count, string instanceIds);

    [LoggerMessage(EventId = 5602, Level = LogLevel.Warning, Message = "Provider {InstanceName}: {Action} failed: {Problem}")]
    public static partial void CallFailed(ILogger logger, string instanceName, string action, string problem);

    [LoggerMessage(EventId = 5603, Level = LogLevel.Information, Message = "Provider {InstanceName} resolved image parameter {Parameter} to {ImageId}")]
    public static partial void ImageResolved(ILogger logger, string instanceName, string parameter, string imageId);

    [LoggerMessage(EventId = 5604, Level = LogLevel.Information, Message = "Provider {InstanceName} terminates {Count} instance(s): {InstanceIds}")]
    public static partial void Terminating(ILogger logger, string instanceName, int count, string instanceIds);

    [LoggerMessage(EventId = 5605, Level = LogLevel.Warning, Message = "Provider {InstanceName}: the parameters of key {ProvisionKey} changed since its first call ({Code}); answering with the instances tagged with the key")]
    public static partial void ParametersChanged(ILogger logger, string instanceName, string provisionKey, string code);

    [LoggerMessage(EventId = 5606, Level = LogLevel.Warning, Message = "Provider {InstanceName} skips instance {InstanceId}: it carries cluster tag {ClusterTag} but no provision key or request id tag")]
    public static partial void UnkeyedInstance(ILogger logger, string instanceName, string instanceId, string clusterTag);

    [LoggerMessage(EventId = 5607, Level = LogLevel.Debug, Message = "Provider {InstanceName} uses {CredentialSource} credentials and endpoint {Endpoint} in {Region}")]
    public static partial void ClientCreated(ILogger logger, string instanceName, string credentialSource, string endpoint, string region);
}
