using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Storage.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HostFactory.Storage.Json.TestWorker;

/// <summary>The stores as a plugin process gets them: through AddJsonFileStorage.</summary>
internal sealed class Storage : IDisposable
{
    public static readonly TemplateId TemplateId = new("Worker-Template");

    private readonly ServiceProvider _provider;

    public Storage(string dataDirectory)
    {
        // Storage logs (recovery, warnings) go to stderr, which the parent test shows when it fails.
        _provider = new ServiceCollection()
            .AddLogging(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Information))
            .AddJsonFileStorage(o =>
            {
                o.DataDirectory = dataDirectory;
                o.ProviderWorkDirectory = null;
                o.LockTimeout = TimeSpan.FromSeconds(30);
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Requests = _provider.GetRequiredService<IRequestStore>();
        Machines = _provider.GetRequiredService<IMachineStore>();
    }

    public IRequestStore Requests { get; }

    public IMachineStore Machines { get; }

    public static int PrintDataDirectory(string configured)
    {
        using var provider = new ServiceCollection()
            .AddJsonFileStorage(o => o.DataDirectory = configured)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Console.WriteLine(provider.GetRequiredService<IOptions<JsonFileStorageOptions>>().Value.ResolveDataDirectory());
        return 0;
    }

    /// <summary>One store call; prints <c>OK END</c>, or the storage error's type and message.</summary>
    public static async Task<int> ProbeAsync(string dataDirectory)
    {
        using var storage = new Storage(dataDirectory);
        try
        {
            await storage.Requests.ListUnfinishedAsync(CancellationToken.None);
            Console.WriteLine("OK END");
            return 0;
        }
        catch (StorageException exception)
        {
            Console.WriteLine($"ERROR {exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")} END");
            return 1;
        }
    }

    public static Machine NewMachine(MachineId id, RequestId requestId, string hostName) =>
        Machine.Provision(id, requestId, TemplateId, "local", new ProvisionedMachine(
            "pid-" + id.Value[2..10], hostName, "10.0.0.1", null, TimeProvider.System.GetUtcNow(), MachineStatus.Pending,
            new Dictionary<string, string> { ["pid"] = "1" }), TimeProvider.System);

    public void Dispose() => _provider.Dispose();
}
