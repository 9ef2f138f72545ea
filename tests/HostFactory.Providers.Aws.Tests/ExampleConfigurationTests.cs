using HostFactory.Configuration;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Aws.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HostFactory.Providers.Aws.Tests;

/// <summary>config/examples/aws as shipped: its configuration loads, and every template is valid against an account holding the resources it names.</summary>
public sealed class ExampleConfigurationTests : IAsyncLifetime
{
    private static readonly string Examples = Path.Combine(AppContext.BaseDirectory, "config", "examples", "aws");

    private AwsProviderHost _aws = null!;

    public async Task InitializeAsync() => _aws = await AwsProviderHost.StartAsync();

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    [Fact]
    public async Task Examples_WhenLoadedAsHostFactoryLaysThemOut_LoadAndEveryTemplateIsValidAndLaunches()
    {
        var paths = HostFactoryPathResolver.Resolve(
            name => name switch { "HF_PROVIDER_NAME" => "aws", "HF_PROVIDER_CONFDIR" => Examples, "HF_PROVIDER_WORKDIR" => Path.Combine(_aws.Directory, "work"), _ => null },
            null,
            Examples);
        using (var shipped = new ServiceCollection()
            .AddMachineProviders(HostFactoryConfiguration.Load(paths.ConfigurationFile).GetSection(HostFactoryConfiguration.ProvidersSection), host => host.UsePaths(paths))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }))
        {
            shipped.GetRequiredService<IStartupValidator>().Validate();
            shipped.GetRequiredService<IMachineProviderRegistry>().ProviderNames.Should().Equal("aws");
        }

        _aws.Cloud.Images["ami-0123456789abcdef0"] = "/dev/xvda";
        _aws.Cloud.Parameters["/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"] = "ami-0123456789abcdef0";
        _aws.Cloud.Subnets["subnet-0123456789abcdef0"] = "eu-west-1a";
        _aws.Cloud.Subnets["subnet-0123456789abcdef1"] = "eu-west-1b";
        _aws.Cloud.SecurityGroups.Add("sg-0123456789abcdef0");
        _aws.Cloud.LaunchTemplates.Add(new("lt-0123456789abcdef0", "symphony-compute", "ami-0123456789abcdef0", "m5.xlarge"));
        File.Copy(Path.Combine(Examples, "user_data.sh"), Path.Combine(_aws.Directory, "user_data.sh"));
        var templates = TemplateFile.Load(paths.TemplatesFile, TimeProvider.System, ["aws"]);
        templates.Select(t => t.Id.Value).Should().Equal("aws-ondemand-m5", "aws-spot-c5", "aws-fleet-mixed");

        foreach (var template in templates)
        {
            (await _aws.Provider.ValidateTemplateAsync(template.ToSnapshot(), default)).Should().BeEmpty($"template {template.Id} ships as an example");
            var made = await _aws.Provider.ProvisionAsync(AwsProviderHost.Request(template.ToSnapshot(), 2), default);
            made.IsComplete.Should().BeTrue($"{template.Id}: {made.Error}");
        }

        var run = _aws.Emulator.Calls.First(c => c.Action == "RunInstances").Parameters;
        Convert.FromBase64String(run["UserData"]!).Should().Equal(File.ReadAllBytes(Path.Combine(Examples, "user_data.sh")));
        (run["ImageId"], run["SubnetId"] is "subnet-0123456789abcdef0" or "subnet-0123456789abcdef1").Should().Be(("ami-0123456789abcdef0", true));
    }
}
