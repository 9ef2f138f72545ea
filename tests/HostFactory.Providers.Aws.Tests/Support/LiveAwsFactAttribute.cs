namespace HostFactory.Providers.Aws.Tests.Support;

/// <summary>
/// A test against real AWS: it runs only when HOSTFACTORY_AWS_LIVE=1 and AWS credentials are present (the environment's
/// keys, a profile, a web identity, or a shared credentials file); otherwise it is reported as skipped, saying which
/// is missing. xunit 2 decides skipping when it discovers a test, so the condition is read then.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LiveAwsFactAttribute : FactAttribute
{
    public LiveAwsFactAttribute()
    {
        if (!AwsTestEnvironment.LiveRequested)
        {
            Skip = "Runs against real AWS only when HOSTFACTORY_AWS_LIVE=1 (and credentials are present); it launches and terminates one instance.";
        }
        else if (!CredentialsPresent())
        {
            Skip = "HOSTFACTORY_AWS_LIVE=1, but no AWS credentials are present (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE or a shared credentials file).";
        }
    }

    private static bool CredentialsPresent()
    {
        static bool Set(string name) => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name));
        var sharedFile = Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", "credentials");
        return (Set("AWS_ACCESS_KEY_ID") && Set("AWS_SECRET_ACCESS_KEY")) || Set("AWS_PROFILE") || Set("AWS_WEB_IDENTITY_TOKEN_FILE") || File.Exists(sharedFile);
    }
}
