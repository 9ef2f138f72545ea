using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Testing;
using Microsoft.Extensions.Time.Testing;

namespace HostFactory.Storage.Postgres.Tests.Contract;

/// <summary>
/// What the application relies on from every store, written once and run against each store by a derived class
/// (<see cref="InMemoryStoreContractTests"/>, <see cref="JsonStoreContractTests"/>, <see cref="PostgresStoreContractTests"/>).
/// Each test starts from an empty store. Several hosts opened on one state behave as several Host Factory processes.
/// Times are whole seconds: PostgreSQL keeps them to the microsecond, the other stores to the tick.
/// </summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    private readonly List<StoreHost> _hosts = [];

    /// <summary>The clock every sample is made with; whole seconds, moved on by the tests.</summary>
    protected FakeTimeProvider Clock { get; } = new(HostFactoryTestHostOptions.DefaultStartTime);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await DisposeStateAsync();
    }

    /// <summary>A new host (process) on this test's state.</summary>
    protected abstract Task<StoreHost> OpenHostAsync();

    /// <summary>Deletes this test's state, after every host is disposed.</summary>
    protected virtual ValueTask DisposeStateAsync() => ValueTask.CompletedTask;

    /// <summary>A host on this test's state, disposed after the test.</summary>
    protected async Task<StoreHost> HostAsync()
    {
        var host = await OpenHostAsync();
        _hosts.Add(host);
        return host;
    }

    protected Template NewTemplate(string id, int maxNumber = 10) =>
        Template.Create(
            new TemplateId(id),
            "fake",
            maxNumber,
            new TemplateAttributes("X86_64", nRam: 2048, nCpus: 2, nCores: null, rank: 3, priceInfo: "cheap",
                extras: [new TemplateAttribute("zone", AttributeKind.String, "eu-west-1a"), new TemplateAttribute("gpus", AttributeKind.Numeric, "2")]),
            new ProviderSettings(new Dictionary<string, string?> { ["imageId"] = "\"ami-1\"", ["tags"] = "{\"a\": [1, 2]}", ["none"] = null }),
            TimeSpan.FromMinutes(45),
            Clock);

    protected Request NewAcquire(string templateId, int count = 2) => Request.CreateAcquire(new TemplateId(templateId), count, TimeSpan.FromMinutes(30), Clock);

    protected Machine NewMachine(Request request, string hostName, MachineStatus status = MachineStatus.Pending, ReportedMachineId reported = ReportedMachineId.OurId) =>
        Machine.Provision(
            MachineId.New(),
            request.Id,
            request.TemplateId!.Value,
            "fake",
            new ProvisionedMachine(
                "i-" + Guid.NewGuid().ToString("N")[..12], hostName, "10.0.0.7", hostName.Length > 0 ? "203.0.113.7" : null, Clock.GetUtcNow().AddSeconds(-5), status,
                new Dictionary<string, string> { ["pid"] = "4242", ["started"] = "2025-01-01T08:00:00Z" }, "t3.medium", "spot", null,
                new Dictionary<string, string> { ["team"] = "hpc", ["quote"] = "\"x\"" }),
            Clock,
            reported);

    /// <summary>Moves the clock on one second, so the next sample is strictly newer.</summary>
    protected void Tick() => Clock.Advance(TimeSpan.FromSeconds(1));
}
