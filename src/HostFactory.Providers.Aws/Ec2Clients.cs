using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.SimpleSystemsManagement;
using HostFactory.Providers.Abstractions;
using Microsoft.Extensions.Logging;

namespace HostFactory.Providers.Aws;

/// <summary>
/// The AWS clients of one provider instance, made at the first call that needs them (so loading the plugin costs no
/// AWS work): region or endpoint, the SDK's retry mode and attempts, and the credentials — from the named profile when
/// the instance names one, else from the SDK's default chain (environment, shared credentials file, web identity,
/// container or instance role). Credentials that cannot be found are reported, never cached, so the next call looks
/// again.
/// </summary>
internal sealed class Ec2Clients(AwsProviderOptions options, ProviderContext context, ILogger logger) : IDisposable
{
    private readonly Lock _lock = new();
    private AWSCredentials? _credentials;
    private AmazonEC2Client? _ec2;
    private AmazonSimpleSystemsManagementClient? _ssm;

    /// <summary>The EC2 client.</summary>
    /// <exception cref="MachineProviderException">No credentials were found; the message says where the SDK looked.</exception>
    public AmazonEC2Client Ec2
    {
        get
        {
            lock (_lock)
            {
                return _ec2 ??= new AmazonEC2Client(Credentials(), Configure(new AmazonEC2Config(), options.ServiceUrl, "EC2"));
            }
        }
    }

    /// <summary>The Systems Manager client (for <c>imageId</c> parameters).</summary>
    /// <exception cref="MachineProviderException">No credentials were found.</exception>
    public AmazonSimpleSystemsManagementClient Ssm
    {
        get
        {
            lock (_lock)
            {
                return _ssm ??= new AmazonSimpleSystemsManagementClient(Credentials(), Configure(new AmazonSimpleSystemsManagementConfig(), options.SsmServiceUrl, "SSM"));
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock)
        {
            _ec2?.Dispose();
            _ssm?.Dispose();
        }
    }

    private T Configure<T>(T config, string? serviceUrl, string service)
        where T : ClientConfig
    {
        config.RetryMode = Enum.Parse<RequestRetryMode>(options.RetryMode, ignoreCase: true);
        config.MaxErrorRetry = options.MaxAttempts - 1;
        if (serviceUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = options.Region;
        }

        AwsLog.ClientCreated(logger, context.InstanceName, CredentialSource, $"{service} {serviceUrl ?? "(the region's own)"}", options.Region);
        return config;
    }

    private string CredentialSource =>
        options.CredentialsFile is not null ? $"profile '{options.Profile ?? "default"}' of {context.ResolvePath(options.CredentialsFile)}"
        : options.Profile is not null ? $"profile '{options.Profile}'"
        : "the SDK's default chain of";

    private AWSCredentials Credentials()
    {
        if (_credentials is not null)
        {
            return _credentials;
        }

        if (options.Profile is not null || options.CredentialsFile is not null)
        {
            var file = options.CredentialsFile is null ? null : context.ResolvePath(options.CredentialsFile);
            var profile = options.Profile ?? "default";
            if (file is not null && !File.Exists(file))
            {
                throw new MachineProviderException($"Provider '{context.InstanceName}': the credentials file '{file}' does not exist.");
            }

            return _credentials = new CredentialProfileStoreChain(file).TryGetAWSCredentials(profile, out var found)
                ? found
                : throw new MachineProviderException(
                    $"Provider '{context.InstanceName}': AWS profile '{profile}' was not found in {(file is null ? "the shared credentials and config files" : $"'{file}'")}, or has no usable credentials.");
        }

        try
        {
            return _credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials(new AmazonEC2Config { RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region) });
        }
        catch (AmazonClientException exception)
        {
            throw new MachineProviderException(
                $"Provider '{context.InstanceName}' found no AWS credentials. The AWS SDK looked for them in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE), " +
                "the shared credentials and config files (~/.aws), web identity, and a container or EC2 instance role; give it one of these, or name a 'profile' in the instance settings.",
                exception);
        }
    }
}
