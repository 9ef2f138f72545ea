using HostFactory.Providers.Aws.Tests.Emulator;
using HostFactory.Providers.Aws.Tests.Support;
using HostFactory.Providers.Loading;

namespace HostFactory.Providers.Aws.Tests;

/// <summary>The instance settings of aws-ec2 as the host binds and checks them at start, naming the file, the instance and the field.</summary>
public sealed class ProviderSettingsTests : IAsyncLifetime
{
    private AwsProviderHost _aws = null!;

    public async Task InitializeAsync() => _aws = await AwsProviderHost.StartAsync();

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    [Theory]
    [InlineData("{ \"region\": \"Ireland\" }", "settings.region: 'Ireland' is not an AWS region name such as eu-west-1.")]
    [InlineData("{ }", "settings.region: The Region field is required.")]
    [InlineData("{ \"region\": \"eu-west-1\", \"serviceUrl\": \"ec2.local\" }", "settings.serviceUrl: 'ec2.local' is not an absolute http or https URL.")]
    [InlineData("{ \"region\": \"eu-west-1\", \"retryMode\": \"eager\" }", "settings.retryMode: 'eager' is not one of standard, adaptive, legacy.")]
    [InlineData("{ \"region\": \"eu-west-1\", \"maxAttempts\": 0 }", "settings.maxAttempts: The field MaxAttempts must be between 1 and 10.")]
    [InlineData("{ \"region\": \"eu-west-1\", \"clusterTag\": \" x\" }", "settings.clusterTag: must be 1 to 256 characters without leading or trailing spaces (an EC2 tag value).")]
    [InlineData("{ \"region\": \"eu-west-1\", \"secretAccessKey\": \"abc\" }", "settings.secretAccessKey: unknown setting (known settings: region, profile, credentialsFile, serviceUrl, ssmServiceUrl, retryMode, maxAttempts, clusterTag).")]
    public void Start_WhenASettingIsWrong_FailsNamingTheInstanceAndTheSetting(string settings, string expected)
    {
        var act = () => _aws.LoadWithSettings(settings);

        act.Should().Throw<ProviderLoadException>().Where(e => e.Failure == ProviderLoadFailure.InvalidSettings)
            .Which.Message.Should().Contain("provider instance 'aws' (type 'aws-ec2') has invalid settings:").And.Contain(expected);
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheCredentialsAreWrong_FailsWithAwssAuthFailureAndNoSecret()
    {
        var wrong = _aws.EmulatorSettings().Replace("\"profile\": \"emulator\"", "\"profile\": \"wrong\"", StringComparison.Ordinal);
        File.AppendAllText(Path.Combine(_aws.Directory, "credentials"), $"[wrong]\naws_access_key_id = {Ec2Emulator.AccessKeyId}\naws_secret_access_key = not-the-secret\n");
        var provider = _aws.LoadWithSettings(wrong).Get(AwsProviderHost.InstanceName);

        var result = await provider.ProvisionAsync(AwsProviderHost.Request(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields), 1), default);

        result.Error.Should().StartWith("AWS refused ec2:RunInstances (AuthFailure): AWS was not able to validate the provided access credentials.")
            .And.NotContain("not-the-secret");
        _aws.Cloud.Instances.Should().BeEmpty();
    }
}
