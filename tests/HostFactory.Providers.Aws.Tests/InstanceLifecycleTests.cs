using System.Globalization;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Providers.Aws.Tests.Emulator;
using HostFactory.Providers.Aws.Tests.Support;

namespace HostFactory.Providers.Aws.Tests;

/// <summary>Describe, release, reclaimed and held instances, through the real AWSSDK.EC2 client against the EC2 emulator.</summary>
public sealed class InstanceLifecycleTests : IAsyncLifetime
{
    private AwsProviderHost _aws = null!;

    public async Task InitializeAsync() => _aws = await AwsProviderHost.StartAsync();

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    [Fact]
    public async Task DescribeAsync_WhenMoreInstancesThanOnePage_FollowsNextTokenAndMapsEveryState()
    {
        _aws.Cloud.PageLimit = 2;
        var machines = await LaunchAsync(5);
        _aws.Cloud.StopOutside(machines[3].ProviderMachineId);

        var first = await _aws.Provider.DescribeAsync(machines, default);
        var second = await _aws.Provider.DescribeAsync(machines, default);

        _aws.Emulator.Calls.Where(c => c.Action == "DescribeInstances").Should().HaveCount(6, "5 instances in pages of 2, twice")
            .And.OnlyContain(c => c.Parameters["Filter.1.Name"] == "instance-id" && c.Parameters["MaxResults"] == "1000");
        first.Select(o => o.Status).Should().Equal(MachineStatus.Pending, MachineStatus.Pending, MachineStatus.Pending, MachineStatus.Stopped, MachineStatus.Pending);
        second.Select(o => o.Status).Should().Equal(MachineStatus.Running, MachineStatus.Running, MachineStatus.Running, MachineStatus.Stopped, MachineStatus.Running);
        first[3].Message.Should().Be("Client.UserInitiatedShutdown: User initiated shutdown");
        var instance = _aws.Cloud.Instance(machines[0].ProviderMachineId);
        second[0].Should().BeEquivalentTo(new { HostName = instance.PrivateDnsName, instance.PrivateIpAddress, instance.PublicIpAddress, Message = (string?)null });
    }

    [Fact]
    public async Task DescribeAsync_WhenAnInstanceVanished_ReportsItTerminatedUnlessItWasJustLaunched()
    {
        var machines = await LaunchAsync(2);
        _aws.Cloud.Vanish(machines[0].ProviderMachineId);
        _aws.Cloud.Vanish(machines[1].ProviderMachineId);
        var longAgo = machines[0] with { ProviderData = new Dictionary<string, string>(machines[0].ProviderData) { ["launchedAt"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture) } };

        var observed = await _aws.Provider.DescribeAsync([longAgo, machines[1]], default);

        observed[0].Should().BeEquivalentTo(new { Status = MachineStatus.Terminated, Message = $"Instance {longAgo.ProviderMachineId} is unknown to AWS (InvalidInstanceID.NotFound): it vanished." });
        observed[1].Should().BeEquivalentTo(new { Status = MachineStatus.Pending, Message = $"Instance {machines[1].ProviderMachineId} is not visible in DescribeInstances yet." });
    }

    [Fact]
    public async Task ReleaseAsync_WhenSomeInstancesAreUnknownOrAlreadyTerminated_TerminatesTheRestAndCountsThoseReleased()
    {
        var machines = await LaunchAsync(3);
        _aws.Cloud.Vanish(machines[1].ProviderMachineId);
        var unknown = machines[0] with { ProviderMachineId = "i-0123456789abcdef0" };

        var result = await _aws.Provider.ReleaseAsync([.. machines, unknown], default);

        result.Outcomes.Select(o => (o.ProviderMachineId, o.Outcome)).Should().Equal(
            (machines[0].ProviderMachineId, ReleaseOutcome.Releasing),
            (machines[1].ProviderMachineId, ReleaseOutcome.AlreadyGone),
            (machines[2].ProviderMachineId, ReleaseOutcome.Releasing),
            ("i-0123456789abcdef0", ReleaseOutcome.AlreadyGone));
        result.Outcomes[1].Message.Should().Be($"Instance {machines[1].ProviderMachineId} is unknown to AWS: it is already gone.");
        _aws.Emulator.Calls.Single(c => c.Action == "TerminateInstances").Parameters.List("InstanceId").Should().Equal(machines[0].ProviderMachineId, machines[2].ProviderMachineId);
        (await _aws.Provider.ReleaseAsync([machines[0]], default)).Outcomes.Single().Should().BeEquivalentTo(new { Outcome = ReleaseOutcome.Releasing, Message = $"Instance {machines[0].ProviderMachineId} is already shutting down." });
        (await _aws.Provider.ReleaseAsync([machines[0]], default)).Outcomes.Single().Should().BeEquivalentTo(new { Outcome = ReleaseOutcome.AlreadyGone, Message = $"Instance {machines[0].ProviderMachineId} is already terminated." });
        _aws.Emulator.CallCount("TerminateInstances").Should().Be(1, "an instance shutting down or terminated is not terminated again");
    }

    [Fact]
    public async Task ReleaseAsync_WhenAnInstanceVanishesBetweenTheLookAndTheCall_TerminatesTheOthersOneByOne()
    {
        var machines = await LaunchAsync(3);
        _aws.Cloud.Fail("TerminateInstances", "InvalidInstanceID.NotFound", $"The instance IDs '{machines[1].ProviderMachineId}' do not exist");

        var result = await _aws.Provider.ReleaseAsync(machines, default);

        result.Outcomes.Should().OnlyContain(o => o.Outcome == ReleaseOutcome.Releasing);
        _aws.Emulator.Calls.Where(c => c.Action == "TerminateInstances").Select(c => c.Parameters.List("InstanceId").Count).Should().Equal(3, 1, 1, 1);
    }

    [Fact]
    public async Task ReleaseAsync_WhenTerminationIsConditionedOnTheClusterTag_TerminatesOursAndRefusesAnInstanceWithoutIt()
    {
        _aws.Cloud.TerminateCondition = ("hostfactory:cluster", "test-cluster");
        var machines = await LaunchAsync(2);
        _aws.Cloud.Instance(machines[1].ProviderMachineId).Tags.Remove("hostfactory:cluster");

        var result = await _aws.Provider.ReleaseAsync(machines, default);

        result.Outcomes[0].Outcome.Should().Be(ReleaseOutcome.Releasing);
        result.Outcomes[1].Should().BeEquivalentTo(new
        {
            Outcome = ReleaseOutcome.Failed,
            Message = $"Instance {machines[1].ProviderMachineId} does not carry the tag hostfactory:cluster=test-cluster; HostFactory terminates only the instances it made.",
        });
        _aws.Cloud.Instance(machines[1].ProviderMachineId).State.Should().Be("running");
    }

    [Fact]
    public async Task ListReclaimedAsync_WhenAwsTookInstancesBack_ReportsTheSpotInterruptionTheStoppedAndTheVanished()
    {
        var machines = await LaunchAsync(4, ", \"priceType\": \"spot\"");
        _aws.Cloud.InterruptSpot(machines[0].ProviderMachineId);
        _aws.Cloud.StopOutside(machines[1].ProviderMachineId);
        _aws.Cloud.Vanish(machines[2].ProviderMachineId);
        var asked = machines.Select(m => m with { ProviderData = new Dictionary<string, string>(m.ProviderData) { ["launchedAt"] = "2020-01-01T00:00:00.0000000Z" } }).ToList();

        var reclaimed = await _aws.Provider.ListReclaimedAsync(asked, default);

        reclaimed.Select(r => (r.ProviderMachineId, r.HostName, r.GracePeriodSeconds)).Should().Equal(
            (machines[0].ProviderMachineId, machines[0].HostName, 0),
            (machines[1].ProviderMachineId, machines[1].HostName, 0),
            (machines[2].ProviderMachineId, machines[2].HostName, 0));
        (await _aws.Provider.DescribeAsync([asked[0]], default)).Single().Message.Should().Be("Server.SpotInstanceTermination: Spot instance termination");
    }

    [Fact]
    public async Task ListHeldAsync_FindsTheLiveInstancesOfThisClusterByTheirTags()
    {
        var first = AwsProviderHost.Request(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields), 2);
        var other = AwsProviderHost.Request(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields, "aws-other"), 1);
        var second = other with { Key = new ProvisionKey(other.RequestId, 1) };
        var made = (await _aws.Provider.ProvisionAsync(first, default)).Machines.Concat((await _aws.Provider.ProvisionAsync(second, default)).Machines).ToList();
        _aws.Cloud.Instance(made[1].ProviderMachineId).State = "terminated";
        _aws.Cloud.Instance(made[2].ProviderMachineId).Tags["hostfactory:cluster"] = "another-installation";

        var all = await _aws.Provider.ListHeldAsync(null, default);
        var ofFirst = await _aws.Provider.ListHeldAsync(first.RequestId, default);

        all.IsSupported.Should().BeTrue();
        all.Machines.Select(h => (h.Key, h.Machine.ProviderMachineId)).Should().Equal((first.Key, made[0].ProviderMachineId));
        ofFirst.Machines.Should().ContainSingle().Which.Machine.ProviderMachineId.Should().Be(made[0].ProviderMachineId);
        _aws.Emulator.Calls.Last(c => c.Action == "DescribeInstances").Parameters.Members("Filter").Select(f => f["Name"])
            .Should().Equal("tag:hostfactory:cluster", "instance-state-name", "tag:hostfactory:request-id");
    }

    private async Task<IReadOnlyList<ProviderMachine>> LaunchAsync(int count, string extraFields = "")
    {
        var result = await _aws.Provider.ProvisionAsync(AwsProviderHost.Request(AwsProviderHost.Template(AwsProviderHost.RunInstancesFields + extraFields), count), default);
        result.IsComplete.Should().BeTrue(result.Error);
        return [.. result.Machines.Select(m => new ProviderMachine(MachineId.New(), m.ProviderMachineId, m.HostName, m.ProviderData))];
    }
}
