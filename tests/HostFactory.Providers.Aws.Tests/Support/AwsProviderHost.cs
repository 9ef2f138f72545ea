using System.Globalization;
using System.Text.Json;
using HostFactory.Configuration;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Aws.Tests.Emulator;
using HostFactory.Providers.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HostFactory.Providers.Aws.Tests.Support;

/// <summary>
/// An <c>aws-ec2</c> provider instance as the host loads it — by path from the providers/ folder of this test project's
/// output, into its own load context, its settings bound and checked, behind the resilience decorator — pointed at a
/// fresh <see cref="Ec2Emulator"/> through <c>serviceUrl</c>, with the emulator's credentials in a credentials file of
/// its own. Disposing stops the emulator and deletes the directory.
/// </summary>
public sealed class AwsProviderHost : IAsyncDisposable
{
    public const string InstanceName = "aws";

    private readonly TempDirectory _directory = new();
    private ServiceProvider? _services;

    private AwsProviderHost(Ec2Emulator emulator) => Emulator = emulator;

    public Ec2Emulator Emulator { get; }

    public EmulatedCloud Cloud => Emulator.Cloud;

    public IMachineProviderRegistry Registry { get; private set; } = null!;

    /// <summary>The provider as the application sees it (the resilience decorator around the plugin's provider).</summary>
    public IMachineProvider Provider => Registry.Get(InstanceName);

    public string Directory => _directory.Path;

    /// <summary>Starts an emulator and loads a provider instance on it.</summary>
    /// <param name="settings">More members of the instance's <c>settings</c>, e.g. <c>"maxAttempts": 1</c>.</param>
    /// <param name="timeoutSeconds">The instance's <c>timeoutSeconds</c>.</param>
    /// <param name="retries">The instance's <c>retries</c> (HostFactory's own, after the SDK's).</param>
    public static async Task<AwsProviderHost> StartAsync(string? settings = null, double timeoutSeconds = 30, int retries = 0)
    {
        var host = new AwsProviderHost(await Ec2Emulator.StartAsync());
        host.Registry = host.Load(settings, timeoutSeconds, retries);
        return host;
    }

    /// <summary>Loads (another container with) an instance whose settings are exactly <paramref name="settingsJson"/>.</summary>
    public IMachineProviderRegistry LoadWithSettings(string settingsJson, double timeoutSeconds = 30, int retries = 0) =>
        Start($$"""[ { "name": "{{InstanceName}}", "type": "aws-ec2", "timeoutSeconds": {{timeoutSeconds.ToString(CultureInfo.InvariantCulture)}}, "retries": {{retries.ToString(CultureInfo.InvariantCulture)}}, "retryDelaySeconds": 0.05, "settings": {{settingsJson}} } ]""");

    /// <summary>The settings pointing at the emulator with its credentials, plus <paramref name="extra"/>.</summary>
    public string EmulatorSettings(string? extra = null)
    {
        var credentials = _directory.File("credentials", $"[emulator]\naws_access_key_id = {Ec2Emulator.AccessKeyId}\naws_secret_access_key = {Ec2Emulator.SecretAccessKey}\n");
        return $$"""
            { "region": "{{EmulatedCloud.Region}}", "serviceUrl": "{{Emulator.Url}}", "ssmServiceUrl": "{{Emulator.Url}}",
              "credentialsFile": {{JsonSerializer.Serialize(credentials)}}, "profile": "emulator", "clusterTag": "test-cluster"{{(extra is null ? string.Empty : ", " + extra)}} }
            """;
    }

    /// <summary>A template of this instance with the given provider fields (a JSON object's members).</summary>
    public static TemplateSnapshot Template(string fields, string id = "aws-small") =>
        Domain.Templates.Template.Create(
            new TemplateId(id), InstanceName, 100, new TemplateAttributes("X86_64", 4096, 2), Settings(fields), null, TimeProvider.System).ToSnapshot();

    /// <summary>The fields of a plain RunInstances template on the emulator's image and subnet.</summary>
    public const string RunInstancesFields = $$"""
        "imageId": "{{EmulatedCloud.ImageId}}", "vmType": "m5.large", "subnetId": "{{EmulatedCloud.SubnetA}}",
        "securityGroupIds": ["{{EmulatedCloud.SecurityGroup}}"], "keyName": "hf-key", "instanceTags": "team=hpc;cost-centre=42"
        """;

    /// <summary>A provision request for <paramref name="count"/> machines under a new request's first key.</summary>
    public static ProvisionRequest Request(TemplateSnapshot template, int count) => new(new ProvisionKey(RequestId.NewAcquire(), 0), template, count);

    public async ValueTask DisposeAsync()
    {
        // The temp directory goes even when stopping the emulator fails: once it did, and the directory was left in /tmp.
        try
        {
            _services?.Dispose();
            await Emulator.DisposeAsync();
        }
        finally
        {
            _directory.Dispose();
        }
    }

    private IMachineProviderRegistry Load(string? settings, double timeoutSeconds, int retries) =>
        LoadWithSettings(EmulatorSettings(settings), timeoutSeconds, retries);

    private IMachineProviderRegistry Start(string providersJson)
    {
        _services?.Dispose();
        _services = Load(Directory, providersJson);
        return _services.GetRequiredService<IMachineProviderRegistry>();
    }

    /// <summary>
    /// Writes <paramref name="directory"/>/hostfactory.json with <paramref name="providersJson"/> as its providers and
    /// builds the container the composition root builds, running its start-up validation (which loads the plugins).
    /// </summary>
    public static ServiceProvider Load(string directory, string providersJson)
    {
        var file = Path.Combine(directory, "hostfactory.json");
        File.WriteAllText(file, $$"""{ "hostFactory": { "providers": {{providersJson}} } }""");
        var configuration = HostFactoryConfiguration.Load(file);
        var services = new ServiceCollection()
            .AddMachineProviders(configuration.GetSection(HostFactoryConfiguration.ProvidersSection), host =>
                host.UsePaths(new HostFactoryPaths(directory, file, Path.Combine(directory, "templates.json"), Path.Combine(directory, "work"), Path.Combine(directory, "logs"), "test")))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch
        {
            services.Dispose();
            throw;
        }

        return services;
    }

    private static ProviderSettings Settings(string fields)
    {
        using var document = JsonDocument.Parse($"{{ {fields} }}");
        return new ProviderSettings(document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (string?)p.Value.GetRawText(), StringComparer.Ordinal));
    }
}
