using HostFactory.Configuration;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Configuration;
using HostFactory.Providers.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HostFactory.Providers.Tests;

/// <summary>Writes a hostfactory.json with the given providers array and starts a container on it, as the composition root will.</summary>
public sealed class ProviderHost : IDisposable
{
    private readonly TempDirectory _directory = new();
    private ServiceProvider? _services;

    public string Directory => _directory.Path;

    public string ConfigFile => Path.Combine(Directory, "hostfactory.json");

    public string WorkDirectory => Path.Combine(Directory, "work");

    public string Write(string name, string content) => _directory.File(name, content);

    /// <summary>Builds the container and runs start-up validation; returns the registry.</summary>
    public IMachineProviderRegistry Start(string providersJson, Action<MachineProviderHostOptions>? configure = null)
    {
        Write("hostfactory.json", $$"""{ "hostFactory": { "providers": {{providersJson}} } }""");
        var configuration = HostFactoryConfiguration.Load(ConfigFile);
        _services = new ServiceCollection()
            .AddMachineProviders(configuration.GetSection(HostFactoryConfiguration.ProvidersSection), host =>
            {
                host.UsePaths(new HostFactoryPaths(Directory, ConfigFile, Path.Combine(Directory, "templates.json"), WorkDirectory, Path.Combine(WorkDirectory, "logs"), "test"));
                host.BuiltInProvidersDirectory = TestPaths.BuiltInProviders;
                configure?.Invoke(host);
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _services.GetRequiredService<IStartupValidator>().Validate();
        return _services.GetRequiredService<IMachineProviderRegistry>();
    }

    public void Dispose()
    {
        _services?.Dispose();
        _directory.Dispose();
    }
}
