using System.Text.Json;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;
using HostFactory.Providers.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace HostFactory.Providers.StaticPool.Tests;

/// <summary>
/// Provisioning is idempotent by lease, the pool lists its leases by request, and a requestMachines call whose process
/// is SIGKILLed at each step (while a host's lease command runs, after the provider answered), alone or with its process
/// tree, is recovered by the next status calls: the leases it made are adopted and prepared, a repeat under the key
/// leases nothing, and no host stays leased that no request holds.
/// </summary>
public sealed class StaticPoolInterruptedCallTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int PoolSize = 3;
    private const int Count = 2;

    private readonly TempDirectory _directory = new();
    private StaticPoolMachineProvider _provider = null!;
    private InterruptedCall _call = null!;

    private string WorkDirectory => Path.Combine(_directory.Path, "work");

    private string StateDirectory => Path.Combine(WorkDirectory, "providers", "pool");

    private string Marks => Path.Combine(_directory.Path, "marks");

    /// <summary>Appends "start host" and "done host" to the marks file; waits while a hold-host file exists.</summary>
    private List<string> LeaseCommand =>
    [
        "/bin/sh", "-c",
        $"echo \"start $1\" >> {Marks}; while [ -e {_directory.Path}/hold-$1 ]; do sleep 0.02; done; echo \"done $1\" >> {Marks}",
        "lease", "{host}",
    ];

    public async Task InitializeAsync()
    {
        _provider = new StaticPoolMachineProvider(
            new ProviderContext("pool", "static-pool", StateDirectory, NullLoggerFactory.Instance, TimeProvider.System, _directory.Path),
            new StaticPoolProviderOptions
            {
                Hosts = [.. Enumerable.Range(1, PoolSize).Select(i => new PoolHost { Name = $"n{i}", IpAddress = $"10.0.0.{i}" })],
                LeaseCommand = LeaseCommand,
                CommandTimeoutSeconds = 30,
            });
        _call = await InterruptedCall.CreateAsync("pool", _provider, "pooled", new Dictionary<string, string?>());
    }

    public async Task DisposeAsync()
    {
        // An orphaned lease command waits for its hold file; without it, it finishes at once.
        foreach (var hold in Directory.GetFiles(_directory.Path, "hold-*"))
        {
            File.Delete(hold);
        }

        (await Processes.WaitUntilNoneMentionsAsync(Marks, TimeSpan.FromSeconds(10))).Should().BeTrue("no lease command is left running");
        await _call.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task ProvisionAsync_WhenAskedAgainUnderTheSameKey_AnswersWithTheSameLeasesAndLeasesNoMore()
    {
        var key = new ProvisionKey(RequestId.NewAcquire(), 0);
        var first = await _provider.ProvisionAsync(Request(key, Count), CancellationToken.None);

        var again = await _provider.ProvisionAsync(Request(key, Count), CancellationToken.None);

        first.IsComplete.Should().BeTrue(first.Error);
        again.Should().BeEquivalentTo(first);
        Leases().Should().HaveCount(Count);
        File.ReadAllLines(Marks).Should().Equal("start n1", "done n1", "start n2", "done n2");
    }

    [Fact]
    public async Task ListHeldAsync_WhenRequestsHoldLeases_ListsThoseOfTheRequestWithTheirKeys()
    {
        var request = RequestId.NewAcquire();
        var first = await _provider.ProvisionAsync(Request(new ProvisionKey(request, 0), 1), CancellationToken.None);
        var more = await _provider.ProvisionAsync(Request(new ProvisionKey(request, 1), 1), CancellationToken.None);
        var other = await _provider.ProvisionAsync(Request(new ProvisionKey(RequestId.NewAcquire(), 0), 1), CancellationToken.None);

        var held = await _provider.ListHeldAsync(request, CancellationToken.None);
        var all = await _provider.ListHeldAsync(null, CancellationToken.None);

        held.Machines.Should().BeEquivalentTo([new HeldMachine(new ProvisionKey(request, 0), first.Machines[0]), new HeldMachine(new ProvisionKey(request, 1), more.Machines[0])]);
        all.Machines.Select(h => h.Machine.HostName).Should().BeEquivalentTo(["n1", "n2", other.Machines[0].HostName]);
    }

    [Fact]
    public async Task DescribeAsync_WhenADeadCallLeftALeasePreparing_RunsItsLeaseCommandUnlessACallHoldsTheKey()
    {
        var key = new ProvisionKey(RequestId.NewAcquire(), 0);
        await File.WriteAllTextAsync(Path.Combine(_directory.Path, "hold-n1"), "hold");
        (await InterruptedCall.KillAsync(WorkerArguments(key), () => Marked("start n1"), wholeTree: true)).Should().BeTrue();
        File.Delete(Path.Combine(_directory.Path, "hold-n1"));
        var leased = (await _provider.ListHeldAsync(key.RequestId, CancellationToken.None)).Machines
            .Select(h => new ProviderMachine(MachineId.New(), h.Machine.ProviderMachineId, h.Machine.HostName, h.Machine.ProviderData)).ToArray();
        leased.Should().HaveCount(Count);

        IReadOnlyList<MachineObservation> whileHeld;
        using (ProvisionKeyLock.TryAcquire(new ProviderContext("pool", "static-pool", StateDirectory, NullLoggerFactory.Instance, TimeProvider.System), key))
        {
            whileHeld = await _provider.DescribeAsync(leased, CancellationToken.None);
        }

        var after = await _provider.DescribeAsync(leased, CancellationToken.None);

        whileHeld.Should().OnlyContain(o => o.Status == MachineStatus.Pending && o.Message == "The lease command is running.");
        after.Should().OnlyContain(o => o.Status == MachineStatus.Running && o.Message == "The lease command of an interrupted call was run again.");
        File.ReadAllLines(Marks).Should().Contain(["done n1", "done n2"]);
        Leases().Should().OnlyContain(l => !l.GetProperty("preparing").GetBoolean());
    }

    public static TheoryData<string, bool> Steps => new()
    {
        { "the first host's lease command runs", false },
        { "the first host's lease command runs", true },
        { "the second host's lease command runs", false },
        { "the second host's lease command runs", true },
        { "the provider answered", false },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task SyncRequests_WhenTheCallIsKilledAfterAStep_AdoptsAndPreparesItsLeasesAndLeaksNone(string step, bool wholeTree)
    {
        var request = await _call.SavePendingAsync(Count);
        var held = step switch
        {
            "the first host's lease command runs" => "n1",
            "the second host's lease command runs" => "n2",
            _ => null,
        };
        if (held is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(_directory.Path, $"hold-{held}"), "hold");
        }

        var killed = await InterruptedCall.KillAsync(WorkerArguments(request.ProvisionKey), () => held is not null && Marked($"start {held}"), wholeTree);
        killed.Should().Be(held is not null);
        if (held is not null)
        {
            File.Delete(Path.Combine(_directory.Path, $"hold-{held}"));
            Leases().Should().OnlyContain(l => l.GetProperty("requestId").GetString() == request.Id.Value).And.HaveCount(Count, "both hosts were leased before the first lease command ran");
        }

        var recovered = await _call.RecoverAsync(request.Id);
        output.WriteLine($"{step}, whole tree {wholeTree}: {recovered.Status}: {recovered.Message}");
        recovered.Status.Should().Be(RequestStatus.Provisioning, recovered.Message);
        recovered.Message.Should().Be($"Recovered {Count} machine(s) made by an interrupted call.");
        var completed = await _call.SyncAsync(request.Id, times: 2);

        completed.Status.Should().Be(RequestStatus.Completed, "the status calls run the lease commands the killed call left unfinished");
        var recorded = _call.MachinesOf(request.Id);
        recorded.Select(m => m.ProviderMachineId).Should().BeEquivalentTo(Leases().Select(l => $"{l.GetProperty("leaseId").GetString()}@{l.GetProperty("host").GetString()}"), "every leased host is a machine the request holds");
        recorded.Should().HaveCount(Count).And.OnlyContain(m => m.Status == MachineStatus.Running);
        Leases().Should().OnlyContain(l => !l.GetProperty("preparing").GetBoolean());
        foreach (var host in recorded.Select(m => m.HostName))
        {
            File.ReadAllLines(Marks).Should().Contain($"done {host}", "each adopted host's lease command finished once");
        }

        if (held == "n2")
        {
            File.ReadAllLines(Marks).Count(l => l == "start n1").Should().Be(1, "a lease command that succeeded is not run again");
        }

        var again = await _provider.ProvisionAsync(Request(request.ProvisionKey, Count), CancellationToken.None);
        again.Machines.Select(m => m.ProviderMachineId).Should().BeEquivalentTo(recorded.Select(m => m.ProviderMachineId), "a repeat under the key leases nothing more");
        Leases().Should().HaveCount(Count);

        await _call.ReturnAllAsync(request.Id);
        Leases().Should().BeEmpty("every host was returned to the pool");
    }

    private static ProvisionRequest Request(ProvisionKey key, int count) =>
        new(key, Template.Create(new TemplateId("pooled"), "pool", 10, new TemplateAttributes("X86_64", 1024, 1), ProviderSettings.Empty, null, TimeProvider.System).ToSnapshot(), count);

    private string[] WorkerArguments(ProvisionKey key)
    {
        var hosts = string.Join(", ", Enumerable.Range(1, PoolSize).Select(i => $$"""{ "name": "n{{i}}", "ipAddress": "10.0.0.{{i}}" }"""));
        var config = _directory.File("hostfactory.json", $$"""
            { "hostFactory": { "providers": [ { "name": "pool", "type": "static-pool",
              "settings": { "hosts": [ {{hosts}} ], "leaseCommand": {{JsonSerializer.Serialize(LeaseCommand)}} } } ] } }
            """);
        var templates = _directory.File("templates.json", """
            { "templates": [ { "templateId": "pooled", "maxNumber": 10, "providerName": "pool",
              "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "1"], "nram": ["Numeric", "512"] } } ] }
            """);
        return [config, WorkDirectory, "pool", "provision", templates, "pooled", Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-", key.Value];
    }

    private bool Marked(string line) => File.Exists(Marks) && File.ReadAllLines(Marks).Contains(line);

    private IReadOnlyList<JsonElement> Leases()
    {
        var path = Path.Combine(StateDirectory, "leases.json");
        return File.Exists(path)
            ? [.. JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("leases").EnumerateArray()]
            : [];
    }
}
