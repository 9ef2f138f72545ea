using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;
using HostFactory.Providers.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace HostFactory.Providers.StaticPool.Tests;

public sealed class StaticPoolMachineProviderTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string StateDirectory => Path.Combine(_directory.Path, "work", "providers", "pool");

    private static List<PoolHost> Hosts(int count) =>
        Enumerable.Range(1, count).Select(i => new PoolHost { Name = $"n{i}", IpAddress = $"10.0.0.{i}", Attributes = new() { ["rack"] = i % 2 == 0 ? "b" : "a" } }).ToList();

    private StaticPoolMachineProvider Provider(StaticPoolProviderOptions? options = null) =>
        new(new ProviderContext("pool", "static-pool", StateDirectory, NullLoggerFactory.Instance, TimeProvider.System, _directory.Path),
            options ?? new StaticPoolProviderOptions { Hosts = Hosts(3) });

    private static ProvisionRequest Request(int count, string? hostAttributes = null) =>
        new(new ProvisionKey(RequestId.NewAcquire(), 0),
            Template.Create(new TemplateId("pooled"), "pool", 10, new TemplateAttributes("X86_64", 1024, 1),
                hostAttributes is null ? ProviderSettings.Empty : new ProviderSettings(new Dictionary<string, string?> { ["hostAttributes"] = hostAttributes }),
                null, TimeProvider.System).ToSnapshot(),
            count);

    private static ProviderMachine Held(ProvisionedMachine machine) => new(MachineId.New(), machine.ProviderMachineId, machine.HostName, machine.ProviderData);

    [Fact]
    public async Task ProvisionAsync_WhenHostsAreFree_LeasesDistinctHostsThatAnotherInstanceSees()
    {
        var result = await Provider().ProvisionAsync(Request(2), CancellationToken.None);

        result.IsComplete.Should().BeTrue(result.Error);
        result.Machines.Select(m => m.HostName).Should().Equal("n1", "n2");
        result.Machines.Should().OnlyContain(m => m.ProviderMachineId.EndsWith("@" + m.HostName, StringComparison.Ordinal));
        var observed = await Provider().DescribeAsync(result.Machines.Select(Held).ToArray(), CancellationToken.None);
        observed.Should().OnlyContain(o => o.Status == MachineStatus.Running, "the leases are in the state directory, not in the provider object");
    }

    [Fact]
    public async Task ProvisionAsync_WhenThePoolRunsOut_LeasesWhatIsFreeAndSaysWhy()
    {
        var provider = Provider();
        await provider.ProvisionAsync(Request(2), CancellationToken.None);

        var partial = await provider.ProvisionAsync(Request(2), CancellationToken.None);
        var none = await provider.ProvisionAsync(Request(1), CancellationToken.None);

        partial.Machines.Select(m => m.HostName).Should().Equal("n3");
        partial.Error.Should().Be("Pool 'pool': only 1 of 2 hosts were free (3 of 3 hosts match the template).");
        none.Machines.Should().BeEmpty();
        none.Error.Should().Be("Pool 'pool': only 0 of 1 hosts were free (3 of 3 hosts match the template).");
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheTemplateWantsAttributes_LeasesOnlyMatchingHosts()
    {
        var result = await Provider(new StaticPoolProviderOptions { Hosts = Hosts(4) }).ProvisionAsync(Request(3, """{ "rack": "b" }"""), CancellationToken.None);

        result.Machines.Select(m => m.HostName).Should().Equal("n2", "n4");
        result.Error.Should().Be("Pool 'pool': only 2 of 3 hosts were free (2 of 4 hosts match the template's hostAttributes rack=b).");
    }

    [Fact]
    public async Task ReleaseAsync_WhenLeased_FreesTheHostForTheNextRequest()
    {
        var provider = Provider(new StaticPoolProviderOptions { Hosts = Hosts(1) });
        var first = (await provider.ProvisionAsync(Request(1), CancellationToken.None)).Machines.Single();

        var released = await provider.ReleaseAsync([Held(first)], CancellationToken.None);
        var again = await provider.ProvisionAsync(Request(1), CancellationToken.None);

        released.Outcomes.Single().Outcome.Should().Be(ReleaseOutcome.Released);
        again.Machines.Single().HostName.Should().Be("n1");
        again.Machines.Single().ProviderMachineId.Should().NotBe(first.ProviderMachineId, "a new lease of the same host is a new machine");
        (await provider.DescribeAsync([Held(first)], CancellationToken.None)).Single().Status.Should().Be(MachineStatus.Terminated);
        (await provider.ReleaseAsync([Held(first)], CancellationToken.None)).Outcomes.Single().Outcome.Should().Be(ReleaseOutcome.AlreadyGone);
    }

    [Fact]
    public async Task ProvisionAsync_WhenALeaseCommandIsSet_RunsItPerHostWithPlaceholders()
    {
        var log = Path.Combine(_directory.Path, "operator.log");
        var options = new StaticPoolProviderOptions
        {
            Hosts = Hosts(2),
            LeaseCommand = ["/bin/sh", "-c", $"echo \"lease $1 $2 $HOSTFACTORY_TEMPLATE_ID\" >> {log}", "sh", "{host}", "{ip}"],
            ReleaseCommand = ["/bin/sh", "-c", $"echo \"release $1 $2\" >> {log}", "sh", "{host}", "{ip}"],
        };
        var provider = Provider(options);

        var result = await provider.ProvisionAsync(Request(2), CancellationToken.None);
        await provider.ReleaseAsync([Held(result.Machines[0])], CancellationToken.None);

        (await File.ReadAllLinesAsync(log)).Should().Equal("lease n1 10.0.0.1 pooled", "lease n2 10.0.0.2 pooled", "release n1 10.0.0.1");
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheLeaseCommandFails_GivesTheHostBackAndReportsStderr()
    {
        var options = new StaticPoolProviderOptions
        {
            Hosts = Hosts(2),
            LeaseCommand = ["/bin/sh", "-c", "if [ \"$1\" = n2 ]; then echo \"power on $1 failed\" >&2; exit 4; fi", "sh", "{host}"],
        };
        var provider = Provider(options);

        var result = await provider.ProvisionAsync(Request(2), CancellationToken.None);

        result.Machines.Select(m => m.HostName).Should().Equal("n1");
        result.Error.Should().Be("Pool 'pool': lease command for host 'n2' failed: '/bin/sh' exited with code 4: power on n2 failed.");
        (await Provider(new StaticPoolProviderOptions { Hosts = Hosts(2) }).ProvisionAsync(Request(1), CancellationToken.None)).Machines.Single().HostName.Should().Be("n2");
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheLeaseCommandHangs_KillsItAtTheTimeout()
    {
        var options = new StaticPoolProviderOptions { Hosts = Hosts(1), LeaseCommand = ["/bin/sleep", "30"], CommandTimeoutSeconds = 1 };

        var result = await Provider(options).ProvisionAsync(Request(1), CancellationToken.None);

        result.Machines.Should().BeEmpty();
        result.Error.Should().Be("Pool 'pool': lease command for host 'n1' failed: '/bin/sleep' did not finish within 1 s; its process tree was killed.");
    }

    [Fact]
    public async Task ReleaseAsync_WhenTheReleaseCommandFails_KeepsTheLease()
    {
        var provider = Provider(new StaticPoolProviderOptions { Hosts = Hosts(1), ReleaseCommand = ["/bin/sh", "-c", "echo agent still busy >&2; exit 1"] });
        var machine = (await provider.ProvisionAsync(Request(1), CancellationToken.None)).Machines.Single();

        var released = await provider.ReleaseAsync([Held(machine)], CancellationToken.None);

        released.Outcomes.Single().Should().Be(new MachineReleaseOutcome(machine.ProviderMachineId, ReleaseOutcome.Failed, "Release command for host 'n1' failed: '/bin/sh' exited with code 1: agent still busy"));
        (await provider.DescribeAsync([Held(machine)], CancellationToken.None)).Single().Status.Should().Be(MachineStatus.Running);
    }

    [Fact]
    public async Task ListReclaimedAsync_WhenAHostLeavesTheInventory_ReportsItsMachine()
    {
        var inventory = _directory.File("inventory.json", """{ "hosts": [ { "name": "f1", "ipAddress": "10.1.0.1" }, { "name": "f2", "ipAddress": "10.1.0.2" } ] }""");
        var provider = Provider(new StaticPoolProviderOptions { InventoryFile = "inventory.json" });
        var machines = (await provider.ProvisionAsync(Request(2), CancellationToken.None)).Machines;
        await File.WriteAllTextAsync(inventory, """{ "hosts": [ { "name": "f1", "ipAddress": "10.1.0.1" } ] }""");

        var reclaimed = await provider.ListReclaimedAsync(machines.Select(Held).ToArray(), CancellationToken.None);

        reclaimed.Should().Equal(new ReclaimedMachine(machines[1].ProviderMachineId, "f2", 0));
    }

    [Fact]
    public async Task Leases_WhenProvisionedByAnotherProcess_AreSeenHereAndReleasedThere()
    {
        var (config, templates) = WorkerFiles(3);
        var work = Path.Combine(_directory.Path, "work");

        using var answer = JsonDocument.Parse(await Worker.RunAsync(config, work, "pool", "provision", templates, "pooled", "2"));
        var leased = answer.RootElement.GetProperty("machines").EnumerateArray()
            .Select(m => new ProviderMachine(MachineId.New(), m.GetProperty("id").GetString()!, m.GetProperty("host").GetString()!, new Dictionary<string, string>()))
            .ToArray();

        leased.Should().HaveCount(2);
        (await Provider().DescribeAsync(leased, CancellationToken.None)).Should().OnlyContain(o => o.Status == MachineStatus.Running);
        await Provider().ReleaseAsync([leased[0]], CancellationToken.None);
        var machines = _directory.File("machines.json", JsonSerializer.Serialize(leased.Select(m => new { id = m.ProviderMachineId, host = m.HostName })));
        var described = await Worker.RunAsync(config, work, "pool", "describe", machines);
        described.Should().Contain("\"status\":5").And.Contain("\"status\":1", "the other process sees one released and one still leased");
    }

    [Fact]
    public async Task ProvisionAsync_WhenManyProcessesLeaseAtOnce_NoHostIsLeasedTwice()
    {
        const int PoolSize = 7;
        const int Workers = 6;
        var (config, templates) = WorkerFiles(PoolSize);
        var work = Path.Combine(_directory.Path, "work");
        var go = Path.Combine(_directory.Path, "go");
        var workers = Enumerable.Range(0, Workers).Select(_ => Worker.Start(config, work, "pool", "provision", templates, "pooled", "2", go)).ToArray();
        try
        {
            // Every worker loads its plugins first, then waits for the go file, so their leases overlap in time.
            await Worker.WaitUntilWaitingAsync(go, Workers, TimeSpan.FromSeconds(60));
            await File.WriteAllTextAsync(go, "go");
            var outputs = await Task.WhenAll(workers.Select(Worker.FinishAsync));

            var hosts = outputs.SelectMany(o => JsonDocument.Parse(o).RootElement.GetProperty("machines").EnumerateArray().Select(m => m.GetProperty("host").GetString()!)).ToArray();
            hosts.Should().HaveCount(PoolSize, "12 hosts were asked for and 7 exist").And.OnlyHaveUniqueItems();
            var file = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(StateDirectory, "leases.json")));
            file.RootElement.GetProperty("leases").EnumerateArray().Select(l => l.GetProperty("host").GetString()).Should().BeEquivalentTo(hosts);
        }
        finally
        {
            foreach (var worker in workers)
            {
                if (!worker.HasExited)
                {
                    worker.Kill(entireProcessTree: true);
                }

                worker.Dispose();
            }
        }
    }

    [Fact]
    public void Validate_WhenHostsAreWrong_ReportsEachProblem()
    {
        var options = new StaticPoolProviderOptions
        {
            Hosts = [new PoolHost { Name = "a", IpAddress = "10.0.0.1" }, new PoolHost { Name = "a", IpAddress = "not-ip" }, new PoolHost { IpAddress = "10.0.0.3" }],
            LeaseCommand = [],
        };
        var results = new List<ValidationResult>();

        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true).Should().BeFalse();

        results.Select(r => $"{string.Join(",", r.MemberNames)}: {r.ErrorMessage}").Should().Equal(
            "Hosts[1]: 'ipAddress' 'not-ip' is not an IP address.",
            "Hosts[2]: 'name' is required.",
            "Hosts: host 'a' is listed more than once.",
            "LeaseCommand: must be an argv array whose first element is the program.");
    }

    private (string Config, string Templates) WorkerFiles(int poolSize)
    {
        var hosts = string.Join(", ", Enumerable.Range(1, poolSize).Select(i => $$"""{ "name": "n{{i}}", "ipAddress": "10.0.0.{{i}}" }"""));
        var config = _directory.File("hostfactory.json", $$"""{ "hostFactory": { "providers": [ { "name": "pool", "type": "static-pool", "settings": { "hosts": [ {{hosts}} ] } } ] } }""");
        var templates = _directory.File("templates.json", """
            { "templates": [ { "templateId": "pooled", "maxNumber": 10, "providerName": "pool",
              "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "1"], "nram": ["Numeric", "512"] } } ] }
            """);
        return (config, templates);
    }
}
