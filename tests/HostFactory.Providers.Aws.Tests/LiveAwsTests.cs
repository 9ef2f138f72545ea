using System.Globalization;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Aws.Tests.Support;
using HostFactory.Providers.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HostFactory.Providers.Aws.Tests;

/// <summary>
/// The opt-in smoke test against real AWS (HOSTFACTORY_AWS_LIVE=1 and credentials present, else skipped): one
/// t3.micro (HOSTFACTORY_AWS_INSTANCE_TYPE) from the Amazon Linux 2023 parameter (HOSTFACTORY_AWS_IMAGE) in
/// HOSTFACTORY_AWS_REGION (default us-east-1), in the default VPC unless HOSTFACTORY_AWS_SUBNET names a subnet; it is
/// launched, seen running and terminated, and terminated in any case when the test ends.
/// </summary>
public sealed class LiveAwsTests(ITestOutputHelper output)
{
    [LiveAwsFact]
    public async Task ProvisionDescribeRelease_WhenRunAgainstRealAws_LaunchesOneInstanceAndTerminatesIt()
    {
        static string Setting(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
        var region = Setting("HOSTFACTORY_AWS_REGION", "us-east-1");
        var subnet = Environment.GetEnvironmentVariable("HOSTFACTORY_AWS_SUBNET");
        using var directory = new TempDirectory();
        using var services = AwsProviderHost.Load(directory.Path, $$"""
            [ { "name": "aws", "type": "aws-ec2", "timeoutSeconds": 120, "retries": 2,
                "settings": { "region": "{{region}}", "clusterTag": "hostfactory-live-test" } } ]
            """);
        var provider = services.GetRequiredService<IMachineProviderRegistry>().Get(AwsProviderHost.InstanceName);
        var template = AwsProviderHost.Template($$"""
            "imageId": "{{Setting("HOSTFACTORY_AWS_IMAGE", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")}}",
            "vmType": "{{Setting("HOSTFACTORY_AWS_INSTANCE_TYPE", "t3.micro")}}", "instanceTags": "purpose=hostfactory-live-test"
            {{(subnet is null ? string.Empty : $", \"subnetId\": \"{subnet}\"")}}
            """, "aws-live");

        var made = await provider.ProvisionAsync(AwsProviderHost.Request(template, 1), default);
        var machines = made.Machines.Select(m => new ProviderMachine(MachineId.New(), m.ProviderMachineId, m.HostName, m.ProviderData)).ToList();
        try
        {
            made.IsComplete.Should().BeTrue(made.Error);
            output.WriteLine($"Launched {machines[0].ProviderMachineId} in {region}.");
            var deadline = DateTime.UtcNow.AddMinutes(5);
            MachineObservation observed;
            while ((observed = (await provider.DescribeAsync(machines, default)).Single()).Status != MachineStatus.Running)
            {
                DateTime.UtcNow.Should().BeBefore(deadline, $"the instance should run; it is {observed.Status}");
                await Task.Delay(TimeSpan.FromSeconds(5));
            }

            observed.HostName.Should().NotBeNullOrEmpty();
            (await provider.ListHeldAsync(null, default)).Machines.Should().Contain(h => h.Machine.ProviderMachineId == machines[0].ProviderMachineId);
        }
        finally
        {
            if (machines.Count > 0)
            {
                var released = await provider.ReleaseAsync(machines, default);
                output.WriteLine(string.Join(Environment.NewLine, released.Outcomes.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.ProviderMachineId}: {o.Outcome} {o.Message}"))));
                released.Outcomes.Should().OnlyContain(o => o.Outcome != ReleaseOutcome.Failed);
            }
        }
    }
}
