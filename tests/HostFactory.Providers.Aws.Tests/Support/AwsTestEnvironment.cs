using System.Runtime.CompilerServices;

namespace HostFactory.Providers.Aws.Tests.Support;

/// <summary>
/// Keeps the AWS SDK inside this test process away from the machine's own AWS set-up: no instance metadata service
/// (it is not on loopback) and no shared config file under ~/.aws. The emulator tests give the SDK their credentials
/// in a credentials file of their own. Only the opt-in live test (<see cref="LiveAwsFactAttribute"/>) uses the
/// machine's AWS set-up, so with HOSTFACTORY_AWS_LIVE=1 nothing is changed.
/// </summary>
internal static class AwsTestEnvironment
{
    /// <summary>The variables every child process of a test gets, so the SDK in it sees only the emulator's credentials.</summary>
    public static IReadOnlyDictionary<string, string?> ChildProcess(string root, bool withCredentials = true) => new Dictionary<string, string?>
    {
        ["AWS_ACCESS_KEY_ID"] = withCredentials ? Emulator.Ec2Emulator.AccessKeyId : null,
        ["AWS_SECRET_ACCESS_KEY"] = withCredentials ? Emulator.Ec2Emulator.SecretAccessKey : null,
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_PROFILE"] = null,
        ["AWS_DEFAULT_PROFILE"] = null,
        ["AWS_REGION"] = null,
        ["AWS_DEFAULT_REGION"] = null,
        ["AWS_ENDPOINT_URL"] = null,
        ["AWS_ENDPOINT_URL_EC2"] = null,
        ["AWS_WEB_IDENTITY_TOKEN_FILE"] = null,
        ["AWS_ROLE_ARN"] = null,
        ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = null,
        ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = null,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_CONFIG_FILE"] = Path.Combine(root, "no-aws-config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(root, "no-aws-credentials"),
    };

    /// <summary>True when the live smoke test was asked for.</summary>
    public static bool LiveRequested => Environment.GetEnvironmentVariable("HOSTFACTORY_AWS_LIVE") == "1";

    [ModuleInitializer]
    internal static void Isolate()
    {
        if (LiveRequested)
        {
            return;
        }

        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(AppContext.BaseDirectory, "no-aws-config"));
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(AppContext.BaseDirectory, "no-aws-credentials"));
    }
}
