using HostFactory.Cli.Tests.Support;
using HostFactory.Providers.Aws.Tests.Emulator;
using HostFactory.Providers.Aws.Tests.Support;

namespace HostFactory.Providers.Aws.Tests;

/// <summary>
/// Host Factory's calls through the installed scripts (real child processes, as Host Factory runs them) with an
/// <c>aws-ec2</c> instance pointed at the EC2 emulator; the SDK in each child process takes the emulator's
/// credentials from the environment, the first link of its default chain.
/// </summary>
public sealed class InstalledScriptsTests : IAsyncLifetime
{
    private const string TemplateFields = $$"""
        "imageId": "{{EmulatedCloud.ImageId}}", "vmType": "m5.large", "subnetId": "{{EmulatedCloud.SubnetA}}", "instanceTags": "team=hpc"
        """;

    private Ec2Emulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await Ec2Emulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task Scripts_WhenRunThroughAWholeCycle_ReportInstanceIdsAndDnsNamesAndTerminateWhatIsReturnedByIdOrName()
    {
        await using var hf = await InstallAsync(withCredentials: true);

        var templates = await hf.AnswerAsync("getAvailableTemplates", "{}");
        templates.GetProperty("templates").EnumerateArray().Select(t => t.GetProperty("templateId").GetString()).Should().Contain("aws-vm");
        var requestId = (await hf.AnswerAsync("requestMachines", """{"template": {"templateId": "aws-vm", "machineCount": 2}}""")).GetProperty("requestId").GetString()!;
        var acquired = await hf.WaitForRequestAsync(requestId);

        acquired.GetProperty("status").GetString().Should().Be("complete", acquired.ToString());
        var machines = acquired.GetProperty("machines").EnumerateArray().ToList();
        var instances = _emulator.Cloud.Instances;
        machines.Select(m => m.GetProperty("machineId").GetString()).Should().BeEquivalentTo(instances.Select(i => i.Id), "Host Factory sees the EC2 instance ids");
        foreach (var machine in machines)
        {
            var instance = _emulator.Cloud.Instance(machine.GetProperty("machineId").GetString()!);
            machine.GetProperty("name").GetString().Should().Be(instance.PrivateDnsName);
            machine.GetProperty("privateIpAddress").GetString().Should().Be(instance.PrivateIpAddress);
            machine.GetProperty("publicIpAddress").GetString().Should().Be(instance.PublicIpAddress);
            machine.GetProperty("launchtime").GetInt64().Should().Be(new DateTimeOffset(instance.LaunchTime).ToUnixTimeSeconds());
            (machine.GetProperty("result").GetString(), machine.GetProperty("status").GetString()).Should().Be(("succeed", "running"));
            (machine.GetProperty("instanceType").GetString(), machine.GetProperty("priceType").GetString(), machine.GetProperty("cloudHostId").GetString())
                .Should().Be(("m5.large", "ondemand", instance.Id));
            machine.GetProperty("instanceTags").GetString()!.Split(';').Should().Contain(["team=hpc", "hostfactory:cluster=e2e", $"hostfactory:request-id={requestId}"]);
        }

        // Host Factory always names the host; with it comes the instance id it was told, or nothing.
        var (withId, name) = (machines[0], machines[1].GetProperty("name").GetString()!);
        var returnId = (await hf.AnswerAsync("requestReturnMachines", $$"""
            {"machines": [{"name": "{{withId.GetProperty("name").GetString()}}", "machineId": "{{withId.GetProperty("machineId").GetString()}}"}, {"name": "{{name}}"}]}
            """)).GetProperty("requestId").GetString()!;
        var released = await hf.WaitForRequestAsync(returnId);

        released.GetProperty("status").GetString().Should().Be("complete", released.ToString());
        released.GetProperty("machines").EnumerateArray().Should().HaveCount(2)
            .And.OnlyContain(m => m.GetProperty("result").GetString() == "succeed" && m.GetProperty("status").GetString() == "terminated");
        _emulator.Cloud.Instances.Should().OnlyContain(i => i.State == "terminated");
        _emulator.Calls.Where(c => c.Action == "TerminateInstances").SelectMany(c => c.Parameters.List("InstanceId")).Should().BeEquivalentTo(instances.Select(i => i.Id));

        var list = await hf.RunCliAsync("providers", "list");
        list.ExitCode.Should().Be(0, list.ToString());
        list.StandardOutput.Should().Contain("aws-ec2");
        var logs = string.Concat(Directory.EnumerateFiles(hf.LogDirectory, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        (list.ToString() + logs).Should().NotContain(Ec2Emulator.SecretAccessKey).And.NotContain(Ec2Emulator.AccessKeyId, "no credential is ever logged or printed");
        logs.Should().Contain("RunInstances", "the provider's calls are logged");
    }

    [Fact]
    public async Task GetReturnRequests_WhenAwsInterruptsASpotInstance_ReportsItWithNoGracePeriod()
    {
        await using var hf = await InstallAsync(withCredentials: true, extraFields: ", \"priceType\": \"spot\"");
        var requestId = (await hf.AnswerAsync("requestMachines", """{"template": {"templateId": "aws-vm", "machineCount": 2}}""")).GetProperty("requestId").GetString()!;
        var machines = (await hf.WaitForRequestAsync(requestId)).GetProperty("machines").EnumerateArray().ToList();
        var interrupted = machines[0].GetProperty("machineId").GetString()!;
        _emulator.Cloud.InterruptSpot(interrupted);

        var answer = await hf.AnswerAsync("getReturnRequests", "{}");

        answer.GetProperty("requests").EnumerateArray().Select(r => (r.GetProperty("machine").GetString(), r.GetProperty("gracePeriod").GetInt32()))
            .Should().Equal((machines[0].GetProperty("name").GetString(), 0));
    }

    [Fact]
    public async Task ProvidersOrphans_WhenAnInstanceCarriesOurClusterTagButNoRequestOwnsIt_ListsItAndTerminatesNothing()
    {
        await using var hf = await InstallAsync(withCredentials: true);
        var stranger = _emulator.Cloud.LaunchOutside(new Dictionary<string, string>
        {
            ["hostfactory:cluster"] = "e2e",
            ["hostfactory:provision-key"] = "req-00000000-0000-4000-8000-000000000001",
        });
        var foreign = _emulator.Cloud.LaunchOutside(new Dictionary<string, string> { ["hostfactory:cluster"] = "another-installation" });

        var orphans = await hf.RunCliAsync("providers", "orphans", "--provider", "aws", "--format", "json");

        orphans.ExitCode.Should().Be(0, orphans.ToString());
        var listed = Json.Parse(orphans.StandardOutput).GetProperty("orphans").EnumerateArray().ToList();
        listed.Should().ContainSingle();
        (listed[0].GetProperty("providerMachineId").GetString(), listed[0].GetProperty("provisionKey").GetString(), listed[0].GetProperty("hostName").GetString())
            .Should().Be((stranger.Id, "req-00000000-0000-4000-8000-000000000001", stranger.PrivateDnsName));
        listed[0].GetProperty("reason").GetString().Should().NotBeNullOrEmpty();
        (stranger.State, foreign.State).Should().Be(("running", "running"));
        _emulator.CallCount("TerminateInstances").Should().Be(0);
    }

    [Fact]
    public async Task Scripts_WhenNoCredentialsCanBeFound_SayWhereTheSdkLookedAndChangeNothingAtAws()
    {
        await using var hf = await InstallAsync(withCredentials: false);

        var request = await hf.RunScriptAsync("requestMachines", """{"template": {"templateId": "aws-vm", "machineCount": 1}}""");
        var validate = await hf.RunCliAsync("templates", "validate", "aws-vm", "--format", "json");

        request.ExitCode.Should().Be(4, request.ToString());
        Json.Parse(request.StandardOutput).GetProperty("message").GetString().Should()
            .Contain("Provider 'aws' found no AWS credentials.").And.Contain("AWS_ACCESS_KEY_ID").And.Contain("instance role");
        validate.ExitCode.Should().Be(3, validate.ToString());
        Json.Parse(validate.StandardOutput).GetProperty("problems")[0].GetString().Should()
            .StartWith("Template 'aws-vm': its imageId, subnets and security groups were not checked against AWS: Provider 'aws' found no AWS credentials.");
        _emulator.Calls.Should().BeEmpty("nothing reached AWS");
    }

    private async Task<HostFactoryInstallation> InstallAsync(bool withCredentials, string extraFields = "")
    {
        var noFiles = Path.Combine(Path.GetTempPath(), $"hf-aws-absent-{Guid.NewGuid():N}");
        return await HostFactoryInstallation.CreateAsync(
            templates:
            [
                $$"""
                { "templateId": "aws-vm", "maxNumber": 10, "providerName": "aws",
                  "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "2"], "nram": ["Numeric", "8192"] },
                  {{TemplateFields}}{{extraFields}} }
                """,
            ],
            extraProviders: $$"""
                { "name": "aws", "type": "aws-ec2", "timeoutSeconds": 30, "retries": 1, "retryDelaySeconds": 0.1,
                  "settings": { "region": "{{EmulatedCloud.Region}}", "serviceUrl": "{{_emulator.Url}}", "clusterTag": "e2e" } }
                """,
            environment: AwsTestEnvironment.ChildProcess(noFiles, withCredentials));
    }
}
