using HostFactory.Configuration;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HostFactory.Providers.Tests;

public sealed class ShippedConfigurationTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Start_WhenTheQuickStartConfigIsLoaded_EveryInstanceLoadsAndAcceptsItsTemplates()
    {
        var paths = HostFactoryPathResolver.Resolve(
            name => name == "HF_PROVIDER_WORKDIR" ? _work.Path : null,
            null,
            Path.Combine(TestPaths.RepositoryRoot, "config"));
        var configuration = HostFactoryConfiguration.Load(paths.ConfigurationFile);
        using var services = new ServiceCollection()
            .AddMachineProviders(configuration.GetSection(HostFactoryConfiguration.ProvidersSection), host =>
            {
                host.UsePaths(paths);
                host.BuiltInProvidersDirectory = TestPaths.BuiltInProviders;
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        services.GetRequiredService<IStartupValidator>().Validate();
        var registry = services.GetRequiredService<IMachineProviderRegistry>();

        registry.ProviderNames.Should().Equal("local", "pool", "cloud");
        foreach (var template in TemplateFile.Load(paths.TemplatesFile, TimeProvider.System, registry.ProviderNames))
        {
            var problems = await registry.Get(template.ProviderName).ValidateTemplateAsync(template.ToSnapshot(), CancellationToken.None);
            problems.Should().BeEmpty($"template {template.Id} ships with the quick start");
        }
    }
}
