using HostFactory.Providers.Aws.Tests.Emulator;
using HostFactory.Providers.Aws.Tests.Support;

namespace HostFactory.Providers.Aws.Tests;

/// <summary>ValidateTemplateAsync: every field checked, naming the template and the field; then what AWS says of the image, subnets and security groups.</summary>
public sealed class TemplateValidationTests : IAsyncLifetime
{
    private AwsProviderHost _aws = null!;

    public async Task InitializeAsync() => _aws = await AwsProviderHost.StartAsync();

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    [Fact]
    public async Task ValidateTemplateAsync_WhenEveryFieldIsRight_FindsNothingAndAsksAwsAboutImageSubnetsAndGroups()
    {
        var problems = await _aws.Provider.ValidateTemplateAsync(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields + $$"""
            , "instanceProfile": "arn:aws:iam::123456789012:instance-profile/hf-worker", "rootDeviceVolumeSize": 50, "volumeType": "gp3",
            "priceType": "spot", "maxSpotPrice": "0.2", "userData": "#!/bin/sh"
            """), default);

        problems.Should().BeEmpty();
        _aws.Emulator.Calls.Select(c => c.Action).Should().Equal("DescribeImages", "DescribeSubnets", "DescribeSecurityGroups");
    }

    public static TheoryData<string, string> BadFields => new()
    {
        { "\"imageId\": \"ubuntu\", \"vmType\": \"m5.large\"", "Template 'aws-small' setting 'imageId' is 'ubuntu', which is neither an AMI id (ami-…) nor a Systems Manager parameter path (/…)." },
        { "\"vmType\": \"m5.large\"", "Template 'aws-small' setting 'imageId' is required unless the template names a launch template (launchTemplateId or launchTemplateName)." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\"", "Template 'aws-small' setting 'vmType' is required (or vmTypes for an EC2Fleet template) unless the template names a launch template." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"huge\"", "Template 'aws-small' setting 'vmType' is 'huge', which is not an instance type such as m5.large." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": 5", "Template 'aws-small' setting 'vmType' must be a JSON string, found 5." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmTypes\": { \"m5.large\": 0 }, \"providerApi\": \"EC2Fleet\", \"launchTemplateName\": \"hf\"", "Template 'aws-small' setting 'vmTypes' gives 'm5.large' the weight 0; a weight is a number above 0 and at most 10000." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmTypes\": { \"m5.large\": 1 }", "Template 'aws-small' setting 'vmTypes' applies to EC2 Fleet only; set providerApi to EC2Fleet." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"subnetId\": \"subnet-1,net-2\"", "Template 'aws-small' setting 'subnetId' has 'subnet-1', which is not a subnet id (subnet-…)." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"securityGroupIds\": \"sg-0a1b2c3d4e5f60733\"", "Template 'aws-small' setting 'securityGroupIds' must be a JSON array of strings, found \"sg-0a1b2c3d4e5f60733\"." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"instanceTags\": \"team\"", "Template 'aws-small' setting 'instanceTags' has 'team', which is not key=value." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"instanceTags\": \"hostfactory:cluster=x\"", "Template 'aws-small' setting 'instanceTags' has the key 'hostfactory:cluster', which HostFactory sets itself." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"rootDeviceVolumeSize\": 0", "Template 'aws-small' setting 'rootDeviceVolumeSize' is 0; it must be between 1 and 65536." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"volumeType\": \"ssd\"", "Template 'aws-small' setting 'volumeType' is 'ssd', which is not one of standard, gp2, gp3, io1, io2, sc1, st1." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"priceType\": \"cheap\"", "Template 'aws-small' setting 'priceType' is 'cheap', which is not one of ondemand, spot, heterogeneous." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"maxSpotPrice\": 0.1", "Template 'aws-small' setting 'maxSpotPrice' applies to spot capacity only (priceType spot or heterogeneous)." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"priceType\": \"spot\", \"maxSpotPrice\": \"free\"", "Template 'aws-small' setting 'maxSpotPrice' is \"free\", which is not a price in USD per hour above 0 such as 0.05." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"priceType\": \"spot\", \"allocationStrategy\": \"cheapest\"", "Template 'aws-small' setting 'allocationStrategy' is 'cheapest', which is not one of lowestPrice, lowest-price, diversified, capacityOptimized, capacity-optimized, capacityOptimizedPrioritized, capacity-optimized-prioritized, priceCapacityOptimized, price-capacity-optimized." },
        { "\"vmType\": \"m5.large\", \"launchTemplateId\": \"lt-1\"", "Template 'aws-small' setting 'launchTemplateId' is 'lt-1', which is not a launch template id (lt-…)." },
        { "\"vmType\": \"m5.large\", \"launchTemplateName\": \"hf\", \"launchTemplateVersion\": \"newest\"", "Template 'aws-small' setting 'launchTemplateVersion' is 'newest', which is not a version number, $Latest or $Default." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"providerApi\": \"SpotFleet\"", "Template 'aws-small' setting 'providerApi' is 'SpotFleet', which is not one of RunInstances, EC2Fleet (Spot Fleet and Auto Scaling groups maintain capacity: AWS would replace the machines Host Factory gives back)." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"providerApi\": \"EC2Fleet\"", "Template 'aws-small' setting 'providerApi' EC2Fleet launches only from a launch template: set launchTemplateId or launchTemplateName." },
        { "\"vmType\": \"m5.large\", \"providerApi\": \"EC2Fleet\", \"launchTemplateName\": \"hf\", \"keyName\": \"k\"", "Template 'aws-small' setting 'keyName' cannot be set per EC2 Fleet request; put it in the launch template." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"priceType\": \"heterogeneous\", \"providerApi\": \"EC2Fleet\", \"launchTemplateName\": \"hf\"", "Template 'aws-small' setting 'percentOnDemand' is required with priceType heterogeneous (the share of the capacity bought on demand, 0 to 100)." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"userData\": \"a\", \"userDataScript\": \"boot.sh\"", "Template 'aws-small' setting 'userDataScript' cannot be set together with userData." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"instanceProfile\": \"arn:aws:iam::1:role/x\"", "Template 'aws-small' setting 'instanceProfile' is 'arn:aws:iam::1:role/x', which is not an instance profile ARN (arn:aws:iam::<account>:instance-profile/<name>)." },
        { "\"imageId\": \"ami-0a1b2c3d4e5f60718\", \"vmType\": \"m5.large\", \"vmtype\": \"m5.large\"", "Template 'aws-small' setting 'vmtype' is not an aws-ec2 template field (known fields: imageId, vmType, vmTypes, subnetId, subnetIds, securityGroupIds, keyName, instanceProfile, userData, userDataScript, instanceTags, rootDeviceVolumeSize, volumeType, priceType, maxSpotPrice, percentOnDemand, allocationStrategy, launchTemplateId, launchTemplateName, launchTemplateVersion, providerApi)." },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task ValidateTemplateAsync_WhenAFieldIsWrong_NamesTheTemplateAndTheFieldAndAsksAwsNothing(string fields, string expected)
    {
        var problems = await _aws.Provider.ValidateTemplateAsync(AwsProviderHost.Template(fields), default);

        problems.Should().Contain(expected);
        _aws.Emulator.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task ValidateTemplateAsync_WhenUserDataScriptIsMissing_NamesTheFile()
    {
        var problems = await _aws.Provider.ValidateTemplateAsync(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields + ", \"userDataScript\": \"scripts/boot.sh\""), default);

        problems.Should().ContainSingle().Which.Should().Be($"Template 'aws-small' setting 'userDataScript' names '{Path.Combine(_aws.Directory, "scripts", "boot.sh")}', which does not exist.");
    }

    [Fact]
    public async Task ValidateTemplateAsync_WhenTheImageSubnetOrGroupDoesNotExist_SaysWhichInTheRegion()
    {
        var problems = await _aws.Provider.ValidateTemplateAsync(AwsProviderHost.Template("""
            "imageId": "ami-0ffffffffffffffff", "vmType": "m5.large", "subnetIds": ["subnet-0a1b2c3d4e5f60711", "subnet-0eeeeeeeeeeeeeeee"], "securityGroupIds": ["sg-0dddddddddddddddd"]
            """), default);

        problems.Should().Equal(
            "Template 'aws-small' setting 'imageId' names ami-0ffffffffffffffff, which does not exist in eu-west-1 (or is not visible to these credentials).",
            "Template 'aws-small' setting 'subnetIds' names subnet-0eeeeeeeeeeeeeeee, which does not exist in eu-west-1 (or is not visible to these credentials).",
            "Template 'aws-small' setting 'securityGroupIds' names sg-0dddddddddddddddd, which does not exist in eu-west-1 (or is not visible to these credentials).");
    }

    [Fact]
    public async Task ValidateTemplateAsync_WhenTheImageParameterIsUnknown_SaysSoNamingTheAction()
    {
        var problems = await _aws.Provider.ValidateTemplateAsync(AwsProviderHost.Template("\"imageId\": \"/aws/service/no-such-image\", \"vmType\": \"m5.large\""), default);

        problems.Should().Equal("Template 'aws-small' setting 'imageId' could not be checked: ssm:GetParameter failed (ParameterNotFound): Parameter /aws/service/no-such-image not found.");
    }

    [Fact]
    public async Task ValidateTemplateAsync_WhenTheCredentialsMayNotDescribe_SaysWhichActionWasRefused()
    {
        _aws.Cloud.Refuse("DescribeImages");

        var problems = await _aws.Provider.ValidateTemplateAsync(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields), default);

        problems.Should().ContainSingle().Which.Should().StartWith("Template 'aws-small' setting 'imageId' could not be checked: AWS refused ec2:DescribeImages (UnauthorizedOperation)");
    }

    [Fact]
    public async Task ValidateTemplateAsync_WhenTheProfileIsMissing_SaysAwsWasNotAskedAndWhy()
    {
        var registry = _aws.LoadWithSettings(_aws.EmulatorSettings().Replace("\"profile\": \"emulator\"", "\"profile\": \"nobody\"", StringComparison.Ordinal));

        var problems = await registry.Get(AwsProviderHost.InstanceName).ValidateTemplateAsync(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields), default);

        problems.Should().ContainSingle().Which.Should()
            .StartWith("Template 'aws-small': its imageId, subnets and security groups were not checked against AWS: Provider 'aws': AWS profile 'nobody' was not found in '")
            .And.EndWith("', or has no usable credentials.");
    }
}
