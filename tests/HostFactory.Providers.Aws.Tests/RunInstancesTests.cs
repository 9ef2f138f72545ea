using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Aws.Tests.Emulator;
using HostFactory.Providers.Aws.Tests.Support;

namespace HostFactory.Providers.Aws.Tests;

/// <summary>Provisioning with RunInstances, through the real AWSSDK.EC2 client against the EC2 emulator.</summary>
public sealed class RunInstancesTests : IAsyncLifetime
{
    private AwsProviderHost _aws = null!;

    public async Task InitializeAsync() => _aws = await AwsProviderHost.StartAsync();

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    [Fact]
    public async Task ProvisionAsync_WhenEc2HasCapacity_LaunchesTaggedInstancesUnderTheKeyAsClientToken()
    {
        var request = AwsProviderHost.Request(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields), 3);

        var result = await _aws.Provider.ProvisionAsync(request, default);

        result.IsComplete.Should().BeTrue(result.Error);
        result.Machines.Should().HaveCount(3);
        var call = _aws.Emulator.Calls.Single(c => c.Action == "RunInstances").Parameters;
        (call["ClientToken"], call["MinCount"], call["MaxCount"]).Should().Be((request.Key.Value, "1", "3"));
        (call["ImageId"], call["InstanceType"], call["SubnetId"], call["KeyName"], call["SecurityGroupId.1"])
            .Should().Be((EmulatedCloud.ImageId, "m5.large", EmulatedCloud.SubnetA, "hf-key", EmulatedCloud.SecurityGroup));
        _aws.Cloud.Instances.Should().HaveCount(3).And.OnlyContain(i => i.Tags.Count == 6
            && i.Tags["hostfactory:cluster"] == "test-cluster"
            && i.Tags["hostfactory:request-id"] == request.RequestId.Value
            && i.Tags["hostfactory:provision-key"] == request.Key.Value
            && i.Tags["hostfactory:template-id"] == "aws-small"
            && i.Tags["team"] == "hpc" && i.Tags["cost-centre"] == "42");
        var machine = result.Machines[0];
        var instance = _aws.Cloud.Instance(machine.ProviderMachineId);
        machine.Should().BeEquivalentTo(new
        {
            ProviderMachineId = instance.Id,
            HostName = instance.PrivateDnsName,
            instance.PrivateIpAddress,
            Status = MachineStatus.Pending,
            InstanceType = "m5.large",
            PriceType = "ondemand",
            CloudHostId = instance.Id,
        });
        machine.LaunchTime.Should().BeCloseTo(new DateTimeOffset(instance.LaunchTime), TimeSpan.FromMilliseconds(1));
        machine.Tags!["team"].Should().Be("hpc");
        _aws.Provider.ReportedMachineId.Should().Be(ReportedMachineId.ProviderId, "Host Factory sees the instance id as machineId");
    }

    [Fact]
    public async Task ProvisionAsync_WhenEc2HasCapacityForFewer_RecordsAPartialLaunch()
    {
        _aws.Cloud.Capacity = 2;

        var result = await _aws.Provider.ProvisionAsync(AwsProviderHost.Request(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields), 5), default);

        result.Machines.Should().HaveCount(2);
        result.Error.Should().Be("ec2:RunInstances launched 2 of 5 instances: EC2 had capacity for no more (MinCount 1).");
    }

    [Fact]
    public async Task ProvisionAsync_WhenAskedAgainUnderTheSameKey_ReturnsTheSameInstancesAndMakesNoNewOnes()
    {
        var request = AwsProviderHost.Request(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields), 2);

        var first = await _aws.Provider.ProvisionAsync(request, default);
        var again = await _aws.Provider.ProvisionAsync(request, default);

        again.Machines.Select(m => m.ProviderMachineId).Should().Equal(first.Machines.Select(m => m.ProviderMachineId));
        _aws.Cloud.Instances.Should().HaveCount(2);
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheCallTimesOutAndIsAskedAgain_MakesNoSecondSetOfInstances()
    {
        await using var slow = await AwsProviderHost.StartAsync(timeoutSeconds: 10);
        var request = AwsProviderHost.Request(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields), 3);
        var gate = slow.Cloud.HoldAnswer("RunInstances");

        var timedOut = await slow.Provider.ProvisionAsync(request, default);
        gate.SetResult();
        var again = await slow.Provider.ProvisionAsync(request, default);

        timedOut.Machines.Should().BeEmpty();
        timedOut.Error.Should().Contain("did not finish provision within 10 s");
        slow.Emulator.Calls.Should().Contain(c => c.Action == "RunInstances" && c.Status == 200, "AWS served the first call; only its answer came too late");
        again.IsComplete.Should().BeTrue(again.Error);
        again.Machines.Select(m => m.ProviderMachineId).Should().BeEquivalentTo(slow.Cloud.Instances.Select(i => i.Id));
        slow.Cloud.Instances.Should().HaveCount(3, "the second call, under the same key, made no new instances");
        slow.Emulator.Calls.Where(c => c.Action == "RunInstances").Select(c => c.Parameters["ClientToken"]).Should().Equal(request.Key.Value, request.Key.Value);
    }

    [Fact]
    public async Task ProvisionAsync_WhenThrottledAndTheSdkRetries_Succeeds()
    {
        _aws.Cloud.Throttle("RunInstances", times: 2);

        var result = await _aws.Provider.ProvisionAsync(AwsProviderHost.Request(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields), 1), default);

        result.IsComplete.Should().BeTrue(result.Error);
        _aws.Emulator.Calls.Where(c => c.Action == "RunInstances").Select(c => c.Status).Should().Equal(503, 503, 200);
        _aws.Cloud.Instances.Should().ContainSingle();
    }

    [Fact]
    public async Task ProvisionAsync_WhenThrottledPastTheSdksAttempts_IsRetriedByHostFactorysPipeline()
    {
        await using var aws = await AwsProviderHost.StartAsync("\"maxAttempts\": 1", retries: 2);
        aws.Cloud.Throttle("RunInstances", times: 2);

        var result = await aws.Provider.ProvisionAsync(AwsProviderHost.Request(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields), 1), default);

        result.IsComplete.Should().BeTrue(result.Error);
        aws.Emulator.Calls.Where(c => c.Action == "RunInstances").Select(c => c.Status).Should().Equal(503, 503, 200);
    }

    [Fact]
    public async Task ProvisionAsync_WhenThrottlingOutlastsEveryRetry_FailsNamingTheCode()
    {
        await using var aws = await AwsProviderHost.StartAsync("\"maxAttempts\": 1", retries: 1);
        aws.Cloud.Throttle("RunInstances", times: 5);

        var result = await aws.Provider.ProvisionAsync(AwsProviderHost.Request(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields), 1), default);

        result.Machines.Should().BeEmpty();
        result.Error.Should().Be("Provider 'aws' (aws-ec2) failed to provision: AWS throttled ec2:RunInstances (RequestLimitExceeded): Request limit exceeded.");
    }

    [Theory]
    [InlineData("InsufficientInstanceCapacity", "We currently do not have sufficient m5.large capacity in the Availability Zone you requested (eu-west-1a).")]
    [InlineData("InstanceLimitExceeded", "You have requested more instances (21) than your current instance limit of 20 allows for the specified instance type.")]
    [InlineData("VcpuLimitExceeded", "You have requested more vCPU capacity than your current vCPU limit of 32 allows.")]
    [InlineData("InvalidParameterValue", "Value (m5.huge) for parameter instanceType is invalid.")]
    public async Task ProvisionAsync_WhenEc2RefusesTheLaunch_FailsWithAwssCodeAndMessage(string code, string message)
    {
        _aws.Cloud.Fail("RunInstances", code, message);

        var result = await _aws.Provider.ProvisionAsync(AwsProviderHost.Request(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields), 2), default);

        result.Machines.Should().BeEmpty();
        result.Error.Should().Be($"ec2:RunInstances failed ({code}): {message}");
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheCredentialsMayNotLaunch_FailsNamingTheRefusedActionWithoutTheEncodedMessage()
    {
        _aws.Cloud.Refuse("RunInstances");

        var result = await _aws.Provider.ProvisionAsync(AwsProviderHost.Request(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields), 1), default);

        result.Error.Should().StartWith("AWS refused ec2:RunInstances (UnauthorizedOperation): You are not authorized to perform this operation.")
            .And.Contain("IAM policy").And.NotContain("Encoded authorization failure message").And.NotContain(Ec2Emulator.SecretAccessKey);
    }

    [Fact]
    public async Task ProvisionAsync_WhenImageIdIsAParameterPath_ResolvesItAtRequestTime()
    {
        _aws.Cloud.Images["ami-0fedcba9876543210"] = "/dev/sda1";
        _aws.Cloud.Parameters[EmulatedCloud.ImageParameter] = "ami-0fedcba9876543210";
        var template = AwsProviderHost.Template($$"""
            "imageId": "{{EmulatedCloud.ImageParameter}}", "vmType": "t3.micro", "rootDeviceVolumeSize": 40, "volumeType": "gp3"
            """);

        var result = await _aws.Provider.ProvisionAsync(AwsProviderHost.Request(template, 1), default);

        result.IsComplete.Should().BeTrue(result.Error);
        _aws.Emulator.Calls.Select(c => c.Action).Should().StartWith(["ssm:GetParameter", "DescribeImages", "RunInstances"]);
        var run = _aws.Emulator.Calls.Single(c => c.Action == "RunInstances").Parameters;
        (run["ImageId"], run["BlockDeviceMapping.1.DeviceName"], run["BlockDeviceMapping.1.Ebs.VolumeSize"], run["BlockDeviceMapping.1.Ebs.VolumeType"])
            .Should().Be(("ami-0fedcba9876543210", "/dev/sda1", "40", "gp3"));
    }

    [Fact]
    public async Task ProvisionAsync_WhenSpot_AsksForOneTimeSpotInstancesUnderTheMaximumPrice()
    {
        var template = AwsProviderHost.Template(AwsProviderHost.RunInstancesFields + ", \"priceType\": \"spot\", \"maxSpotPrice\": 0.05, \"userData\": \"#!/bin/sh\\necho hi\"");

        var result = await _aws.Provider.ProvisionAsync(AwsProviderHost.Request(template, 1), default);

        result.Machines.Should().ContainSingle().Which.PriceType.Should().Be("spot");
        var run = _aws.Emulator.Calls.Single(c => c.Action == "RunInstances").Parameters;
        (run["InstanceMarketOptions.MarketType"], run["InstanceMarketOptions.SpotOptions.MaxPrice"], run["InstanceMarketOptions.SpotOptions.SpotInstanceType"])
            .Should().Be(("spot", "0.05", "one-time"));
        Convert.FromBase64String(run["UserData"]!).Should().Equal("#!/bin/sh\necho hi"u8.ToArray());
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheKeysParametersChanged_AnswersWithTheInstancesTaggedWithTheKey()
    {
        var request = AwsProviderHost.Request(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields), 2);
        var first = await _aws.Provider.ProvisionAsync(request, default);

        var changed = request with { Template = AwsProviderHost.Template(AwsProviderHost.RunInstancesFields.Replace("m5.large", "m5.xlarge", StringComparison.Ordinal)) };
        var again = await _aws.Provider.ProvisionAsync(changed, default);

        again.IsComplete.Should().BeTrue(again.Error);
        again.Machines.Select(m => m.ProviderMachineId).Should().BeEquivalentTo(first.Machines.Select(m => m.ProviderMachineId));
        _aws.Cloud.Instances.Should().HaveCount(2);
    }
}
