using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Storage.Postgres.Testing;
using HostFactory.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HostFactory.Storage.Postgres.Tests.Contract;

/// <summary>
/// The store ports as one host (a Host Factory process) sees them. Two hosts opened on the same state are as two
/// processes: their own store objects, pools and locks, one stored state.
/// </summary>
public sealed class StoreHost : IAsyncDisposable
{
    private readonly ServiceProvider? _services;

    public StoreHost(ITemplateStore templates, ITemplateReader templateReader, IRequestStore requests, IRequestReader requestReader, IMachineStore machines, IMachineReader machineReader, ServiceProvider? services = null)
    {
        Templates = templates;
        TemplateReader = templateReader;
        Requests = requests;
        RequestReader = requestReader;
        Machines = machines;
        MachineReader = machineReader;
        _services = services;
    }

    public ITemplateStore Templates { get; }

    public ITemplateReader TemplateReader { get; }

    public IRequestStore Requests { get; }

    public IRequestReader RequestReader { get; }

    public IMachineStore Machines { get; }

    public IMachineReader MachineReader { get; }

    /// <summary>A host over the ports registered in <paramref name="services"/>, built as the tests build containers.</summary>
    public static StoreHost From(IServiceCollection services)
    {
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new StoreHost(
            provider.GetRequiredService<ITemplateStore>(), provider.GetRequiredService<ITemplateReader>(),
            provider.GetRequiredService<IRequestStore>(), provider.GetRequiredService<IRequestReader>(),
            provider.GetRequiredService<IMachineStore>(), provider.GetRequiredService<IMachineReader>(),
            provider);
    }

    public ValueTask DisposeAsync() => _services?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>The contract run against the test kit's in-memory stores; every host shares the same instances.</summary>
public sealed class InMemoryStoreContractTests : StoreContractTests
{
    private readonly InMemoryTemplateStore _templates = new();
    private readonly InMemoryRequestStore _requests = new();
    private readonly InMemoryMachineStore _machines = new();

    protected override Task<StoreHost> OpenHostAsync() =>
        Task.FromResult(new StoreHost(_templates, _templates, _requests, _requests, _machines, _machines));
}

/// <summary>The contract run against the JSON file store; each host is its own container over one data directory.</summary>
public sealed class JsonStoreContractTests : StoreContractTests
{
    private readonly HostFactory.Providers.Testing.TempDirectory _directory = new();

    protected override async Task<StoreHost> OpenHostAsync()
    {
        var host = StoreHost.From(new ServiceCollection().AddJsonFileStorage(o =>
        {
            o.ProviderWorkDirectory = null;
            o.DataDirectory = Path.Combine(_directory.Path, "data");
        }));

        // Prepared now, one host after the other: the store prepares its directory once per process, with temp names
        // unique per process, and these hosts share one process.
        await host.TemplateReader.ListAsync(default);
        return host;
    }

    protected override ValueTask DisposeStateAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The contract run against PostgreSQL; each host is its own container (and pool) over one test database.</summary>
[NeedsPostgres]
public sealed class PostgresStoreContractTests : StoreContractTests
{
    private TestDatabase? _database;

    protected override async Task<StoreHost> OpenHostAsync()
    {
        _database ??= await TestDatabase.CreateAsync();
        var connectionString = _database.ConnectionString;
        return StoreHost.From(new ServiceCollection().AddPostgresStorage(o =>
        {
            o.EnvironmentVariable = null;
            o.ConnectionString = connectionString;
        }));
    }

    protected override ValueTask DisposeStateAsync() => _database?.DisposeAsync() ?? ValueTask.CompletedTask;
}
