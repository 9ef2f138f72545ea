using HostFactory.Cli.Tests.Support;
using HostFactory.Providers.Aws.Tests.Emulator;
using HostFactory.Providers.Aws.Tests.Support;
using static HostFactory.Cli.Tests.Support.NativeCalls;

namespace HostFactory.Providers.Aws.Tests;

/// <summary>
/// The aws-ec2 provider compiled into hostfactory-native (the CLI's Native AOT build, published for real by
/// <see cref="NativeBuild"/>): a whole cycle against the EC2 emulator, made by the native build with the real AWSSDK.EC2
/// client compiled in, and read back by hostfactory byte for byte.
/// </summary>
public sealed class NativeBuildTests(NativeBuild native) : IClassFixture<NativeBuild>, IAsyncLifetime
{
    private Ec2Emulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await Ec2Emulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [NativeBuildFact]
    public async Task ProtocolCycle_WhenTheNativeBuildRunsIt_LaunchesAndTerminatesInstancesAndAnswersAsHostfactory()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(
            templates:
            [
                $$"""
                { "templateId": "aws-vm", "maxNumber": 10, "providerName": "aws",
                  "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "2"], "nram": ["Numeric", "8192"] },
                  "imageId": "{{EmulatedCloud.ImageId}}", "vmType": "m5.large", "subnetId": "{{EmulatedCloud.SubnetA}}", "instanceTags": "team=hpc" }
                """,
            ],
            extraProviders: $$"""
                { "name": "aws", "type": "aws-ec2", "timeoutSeconds": 30, "retries": 1, "retryDelaySeconds": 0.1,
                  "settings": { "region": "{{EmulatedCloud.Region}}", "serviceUrl": "{{_emulator.Url}}", "clusterTag": "e2e" } }
                """,
            environment: AwsTestEnvironment.ChildProcess(Path.Combine(Path.GetTempPath(), $"hf-aws-absent-{Guid.NewGuid():N}")));

        var requested = await RunAsync(native.Native, hf, "requestMachines", """{"template": {"templateId": "aws-vm", "machineCount": 2}}""");
        requested.ExitCode.Should().Be(0, requested.ToString());
        var requestId = Json.Parse(requested.StandardOutput).GetProperty("requestId").GetString()!;
        var acquired = await WaitUntilCompleteAsync(native, hf, Status(requestId));

        var machines = acquired.GetProperty("machines").EnumerateArray().ToList();
        machines.Select(m => m.GetProperty("machineId").GetString()).Should().BeEquivalentTo(_emulator.Cloud.Instances.Select(i => i.Id));
        machines.Should().OnlyContain(m => m.GetProperty("result").GetString() == "succeed" && m.GetProperty("status").GetString() == "running");
        await BothShowTheSameAsync(native, hf, "getRequestStatus", Status(requestId));

        var names = string.Join(", ", machines.Select(m => $$"""{"name": "{{m.GetProperty("name").GetString()}}"}"""));
        var returned = await RunAsync(native.Native, hf, "requestReturnMachines", $$"""{"machines": [{{names}}]}""");
        returned.ExitCode.Should().Be(0, returned.ToString());
        var released = await WaitUntilCompleteAsync(native, hf, Status(Json.Parse(returned.StandardOutput).GetProperty("requestId").GetString()!));

        released.GetProperty("machines").EnumerateArray().Should().HaveCount(2)
            .And.OnlyContain(m => m.GetProperty("result").GetString() == "succeed" && m.GetProperty("status").GetString() == "terminated");
        _emulator.Cloud.Instances.Should().OnlyContain(i => i.State == "terminated");
        await BothShowTheSameAsync(native, hf, "getReturnRequests", "{}");
        var logs = string.Concat(Directory.EnumerateFiles(hf.LogDirectory, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        logs.Should().Contain("RunInstances").And.NotContain(Ec2Emulator.SecretAccessKey, "no credential is ever logged");
    }
}
