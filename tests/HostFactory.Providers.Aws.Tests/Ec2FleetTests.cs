using HostFactory.Providers.Aws.Tests.Emulator;
using HostFactory.Providers.Aws.Tests.Support;

namespace HostFactory.Providers.Aws.Tests;

/// <summary>Provisioning with an instant EC2 Fleet (CreateFleet), through the real AWSSDK.EC2 client against the EC2 emulator.</summary>
public sealed class Ec2FleetTests : IAsyncLifetime
{
    private const string FleetFields = $$"""
        "providerApi": "EC2Fleet", "launchTemplateId": "{{EmulatedCloud.LaunchTemplateId}}", "launchTemplateVersion": "$Latest",
        "imageId": "{{EmulatedCloud.ImageId}}", "subnetIds": ["{{EmulatedCloud.SubnetA}}", "{{EmulatedCloud.SubnetB}}"], "instanceTags": "team=hpc"
        """;

    private AwsProviderHost _aws = null!;

    public async Task InitializeAsync() => _aws = await AwsProviderHost.StartAsync();

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    [Fact]
    public async Task ProvisionAsync_WhenSomeSpecificationsFail_RecordsWhatTheFleetLaunchedAndPutsEachErrorInTheMessage()
    {
        _aws.Cloud.FailSpecification("c5.large", null, "spot", "InsufficientInstanceCapacity", "There is no Spot capacity available that matches your request.");
        _aws.Cloud.FailSpecification("m5.large", EmulatedCloud.SubnetA, "spot", "SpotMaxPriceTooLow", "Your Spot request price of 0.01 is lower than the minimum required Spot request fulfillment price of 0.03.");
        var template = AwsProviderHost.Template(FleetFields + """, "vmTypes": { "c5.large": 1, "m5.large": 1 }, "priceType": "spot", "maxSpotPrice": "0.01", "allocationStrategy": "capacityOptimized" """);
        var request = AwsProviderHost.Request(template, 3);

        var result = await _aws.Provider.ProvisionAsync(request, default);

        result.Machines.Should().HaveCount(3).And.OnlyContain(m => m.InstanceType == "m5.large" && m.PriceType == "spot" && m.HostName.Length > 0);
        result.Error.Should().StartWith("EC2 Fleet fleet-").And.Contain("launched 3 instance(s); it could not launch: ")
            .And.Contain("spot c5.large in subnet-0a1b2c3d4e5f60711: InsufficientInstanceCapacity: There is no Spot capacity available that matches your request.")
            .And.Contain("spot m5.large in subnet-0a1b2c3d4e5f60711: SpotMaxPriceTooLow: Your Spot request price of 0.01");
        var call = _aws.Emulator.Calls.Single(c => c.Action == "CreateFleet").Parameters;
        (call["Type"], call["ClientToken"], call["TargetCapacitySpecification.TotalTargetCapacity"], call["TargetCapacitySpecification.DefaultTargetCapacityType"])
            .Should().Be(("instant", request.Key.Value, "3", "spot"));
        (call["SpotOptions.AllocationStrategy"], call["LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version"]).Should().Be(("capacity-optimized", "$Latest"));
        call.Members("LaunchTemplateConfigs")[0].Members("Overrides").Should().HaveCount(4, "two instance types in two subnets")
            .And.OnlyContain(o => o["ImageId"] == EmulatedCloud.ImageId && o["MaxPrice"] == "0.01");
        _aws.Cloud.Instances.Should().HaveCount(3).And.OnlyContain(i => i.Tags["hostfactory:provision-key"] == request.Key.Value && i.Tags["team"] == "hpc");
    }

    [Fact]
    public async Task ProvisionAsync_WhenHeterogeneous_SplitsTheCapacityBetweenOnDemandAndSpot()
    {
        var template = AwsProviderHost.Template(FleetFields + """, "vmType": "m5.large", "priceType": "heterogeneous", "percentOnDemand": 25 """);

        var result = await _aws.Provider.ProvisionAsync(AwsProviderHost.Request(template, 4), default);

        result.IsComplete.Should().BeTrue(result.Error);
        result.Machines.Select(m => m.PriceType).Should().BeEquivalentTo(["ondemand", "spot", "spot", "spot"]);
        var call = _aws.Emulator.Calls.Single(c => c.Action == "CreateFleet").Parameters;
        (call["TargetCapacitySpecification.OnDemandTargetCapacity"], call["TargetCapacitySpecification.SpotTargetCapacity"]).Should().Be(("1", "3"));
    }

    [Fact]
    public async Task ProvisionAsync_WhenNoSpecificationCanLaunch_FailsWithEveryError()
    {
        _aws.Cloud.FailSpecification("m5.large", null, "on-demand", "InsufficientInstanceCapacity", "We currently do not have sufficient m5.large capacity.");
        var template = AwsProviderHost.Template(FleetFields + """, "vmType": "m5.large" """);

        var result = await _aws.Provider.ProvisionAsync(AwsProviderHost.Request(template, 2), default);

        result.Machines.Should().BeEmpty();
        result.Error.Should().Contain("launched 0 instance(s)")
            .And.Contain("on-demand m5.large in subnet-0a1b2c3d4e5f60711: InsufficientInstanceCapacity")
            .And.Contain("on-demand m5.large in subnet-0a1b2c3d4e5f60722: InsufficientInstanceCapacity");
    }

    [Fact]
    public async Task ProvisionAsync_WhenAFleetIsAskedAgainUnderTheSameKey_ReturnsItsInstancesAndLaunchesNoNewOnes()
    {
        var request = AwsProviderHost.Request(AwsProviderHost.Template(FleetFields + """, "vmTypes": { "m5.large": 1, "m5.xlarge": 2 } """), 4);

        var first = await _aws.Provider.ProvisionAsync(request, default);
        var again = await _aws.Provider.ProvisionAsync(request, default);

        first.Machines.Should().HaveCount(4);
        again.Machines.Select(m => m.ProviderMachineId).Should().BeEquivalentTo(first.Machines.Select(m => m.ProviderMachineId));
        _aws.Cloud.Instances.Should().HaveCount(4);
    }

    [Fact]
    public async Task ProvisionAsync_WhenWeightsFillTheCapacityWithFewerInstances_SaysSoAndKeepsThem()
    {
        var template = AwsProviderHost.Template(FleetFields.Replace("\"subnetIds\": [\"subnet-0a1b2c3d4e5f60711\", \"subnet-0a1b2c3d4e5f60722\"]", "\"subnetId\": \"subnet-0a1b2c3d4e5f60722\"", StringComparison.Ordinal)
            + """, "vmTypes": { "m5.2xlarge": 2 } """);

        var result = await _aws.Provider.ProvisionAsync(AwsProviderHost.Request(template, 4), default);

        result.Machines.Should().HaveCount(2);
        result.Error.Should().EndWith("filled its target capacity of 4 unit(s) with 2 instance(s) (vmTypes weights).");
        _aws.Emulator.Calls.Single(c => c.Action == "CreateFleet").Parameters["LaunchTemplateConfigs.1.Overrides.1.WeightedCapacity"].Should().Be("2");
    }
}
