using System.Globalization;
using System.Text.Json;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;
using HostFactory.Providers.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace HostFactory.Providers.LocalProcess.Tests;

/// <summary>Provisioning is idempotent by key, across processes, and the provider lists what it holds by request.</summary>
public sealed class LocalProcessProvisionKeyTests : IDisposable
{
    private const string Sleeper = """["/bin/sh", "-c", "while :; do sleep 0.2; done"]""";

    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        foreach (var pid in LiveMachines())
        {
            Processes.KillGroup(pid);
        }

        _directory.Dispose();
    }

    private string StateDirectory => Path.Combine(_directory.Path, "work", "providers", "local");

    private LocalProcessMachineProvider Provider() =>
        new(new ProviderContext("local", "local-process", StateDirectory, NullLoggerFactory.Instance, TimeProvider.System, _directory.Path),
            new LocalProcessProviderOptions { GraceSeconds = 2, HostName = "testhost" });

    private static ProvisionRequest Request(ProvisionKey key, int count) =>
        new(key, Template.Create(new TemplateId("agent"), "local", 10, new TemplateAttributes("X86_64", 512, 1), new ProviderSettings(new Dictionary<string, string?> { ["command"] = Sleeper }), null, TimeProvider.System).ToSnapshot(), count);

    private static ProviderMachine Held(ProvisionedMachine machine) => new(MachineId.New(), machine.ProviderMachineId, machine.HostName, machine.ProviderData);

    private IReadOnlyList<int> LiveMachines() => LocalProcessInterruptedCallTests.LiveMachines(Path.Combine(StateDirectory, "machines"));

    private int MachineFolders() => Directory.GetDirectories(Path.Combine(StateDirectory, "machines")).Length;

    [Fact]
    public async Task ProvisionAsync_WhenAskedAgainUnderTheSameKey_AnswersWithTheSameMachinesAndStartsNone()
    {
        var provider = Provider();
        var key = new ProvisionKey(RequestId.NewAcquire(), 0);
        var first = await provider.ProvisionAsync(Request(key, 2), CancellationToken.None);

        var again = await Provider().ProvisionAsync(Request(key, 2), CancellationToken.None);

        first.IsComplete.Should().BeTrue(first.Error);
        again.Should().BeEquivalentTo(first, "a repeat of the key answers with the machines the key started");
        MachineFolders().Should().Be(2);
        LiveMachines().Should().HaveCount(2);
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheKeysMachinesWereReleased_AnswersWithTheOnesStillRunningAndStartsNone()
    {
        var provider = Provider();
        var key = new ProvisionKey(RequestId.NewAcquire(), 0);
        var first = await provider.ProvisionAsync(Request(key, 2), CancellationToken.None);
        await provider.ReleaseAsync([Held(first.Machines[0])], CancellationToken.None);

        var again = await provider.ProvisionAsync(Request(key, 2), CancellationToken.None);

        again.Machines.Select(m => m.ProviderMachineId).Should().Equal(first.Machines[1].ProviderMachineId);
        again.Error.Should().Be($"Key {key} already started 2 machine(s), of which 1 still run; no more are made under it.");
        MachineFolders().Should().Be(2);
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheNextAttemptsKeyIsUsed_StartsMoreMachinesForTheSameRequest()
    {
        var provider = Provider();
        var request = RequestId.NewAcquire();
        await provider.ProvisionAsync(Request(new ProvisionKey(request, 0), 1), CancellationToken.None);

        var more = await provider.ProvisionAsync(Request(new ProvisionKey(request, 1), 2), CancellationToken.None);

        more.IsComplete.Should().BeTrue(more.Error);
        MachineFolders().Should().Be(3);
        LiveMachines().Should().HaveCount(3);
    }

    [Fact]
    public async Task ProvisionAsync_WhenTwoProcessesCallWithOneKeyAtOnce_StartOneSetBothAnswerWith()
    {
        var config = _directory.File("hostfactory.json", """{ "hostFactory": { "providers": [ { "name": "local", "type": "local-process", "settings": { "hostName": "testhost" } } ] } }""");
        var templates = _directory.File("templates.json", $$"""
            { "templates": [ { "templateId": "agent", "maxNumber": 10, "providerName": "local",
              "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "1"], "nram": ["Numeric", "512"] },
              "command": {{Sleeper}} } ] }
            """);
        var go = Path.Combine(_directory.Path, "go");
        var key = new ProvisionKey(RequestId.NewAcquire(), 0).Value;
        var workers = Enumerable.Range(0, 2).Select(_ => Worker.Start(config, Path.Combine(_directory.Path, "work"), "local", "provision", templates, "agent", "3", go, key)).ToArray();
        try
        {
            // Each worker loads its plugins, then waits for the go file, so the two calls overlap.
            await Worker.WaitUntilWaitingAsync(go, 2, TimeSpan.FromSeconds(60));
            await File.WriteAllTextAsync(go, "go");
            var answers = await Task.WhenAll(workers.Select(Worker.FinishAsync));

            var ids = answers.Select(a => JsonDocument.Parse(a).RootElement.GetProperty("machines").EnumerateArray().Select(m => m.GetProperty("id").GetString()).Order().ToArray()).ToArray();
            ids[0].Should().HaveCount(3).And.Equal(ids[1], "the second call waited for the first and answered with its machines");
            MachineFolders().Should().Be(3);
            LiveMachines().Should().HaveCount(3);
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
    public async Task ListHeldAsync_WhenARequestHasMachinesUnderTwoAttempts_ListsTheRunningUnreleasedOnesWithTheirKeys()
    {
        var provider = Provider();
        var request = RequestId.NewAcquire();
        var other = RequestId.NewAcquire();
        var first = await provider.ProvisionAsync(Request(new ProvisionKey(request, 0), 2), CancellationToken.None);
        var second = await provider.ProvisionAsync(Request(new ProvisionKey(request, 1), 1), CancellationToken.None);
        var others = await provider.ProvisionAsync(Request(new ProvisionKey(other, 0), 1), CancellationToken.None);
        await provider.ReleaseAsync([Held(first.Machines[0])], CancellationToken.None);

        var held = await Provider().ListHeldAsync(request, CancellationToken.None);
        var all = await Provider().ListHeldAsync(null, CancellationToken.None);

        held.IsSupported.Should().BeTrue();
        held.Machines.Select(h => (h.Key, h.Machine.ProviderMachineId)).Should().BeEquivalentTo(
            [(new ProvisionKey(request, 0), first.Machines[1].ProviderMachineId), (new ProvisionKey(request, 1), second.Machines[0].ProviderMachineId)]);
        held.Machines.Select(h => h.Machine).Should().BeEquivalentTo([first.Machines[1], second.Machines[0]], "a listed machine is the one provisioning answered");
        all.Machines.Select(h => h.Machine.ProviderMachineId).Should().BeEquivalentTo(
            [first.Machines[1].ProviderMachineId, second.Machines[0].ProviderMachineId, others.Machines[0].ProviderMachineId]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(30)]
    [InlineData(80)]
    public async Task ProvisionAsync_WhenCancelledPartWay_ReportsEveryMachineThatRuns(int cancelAfterMilliseconds)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(cancelAfterMilliseconds));
        IReadOnlyList<ProvisionedMachine> reported;
        try
        {
            reported = (await Provider().ProvisionAsync(Request(new ProvisionKey(RequestId.NewAcquire(), 0), 3), cancel.Token)).Machines;
        }
        catch (OperationCanceledException)
        {
            reported = [];
        }

        // A launcher's child born after the launcher's tree was killed settles within moments.
        (await Processes.WaitUntilNoneMentionsAsync(StateDirectory, TimeSpan.FromSeconds(15))).Should().BeTrue();
        LiveMachines().Should().BeSubsetOf(reported.Select(m => int.Parse(m.ProviderData["pid"], CultureInfo.InvariantCulture)), "a machine that runs is reported, so it is recorded rather than leaked");
    }

    [Fact]
    public async Task ListHeldAsync_WhenAMachineDiedWithoutARelease_LeavesItOut()
    {
        var provider = Provider();
        var request = RequestId.NewAcquire();
        var made = await provider.ProvisionAsync(Request(new ProvisionKey(request, 0), 1), CancellationToken.None);
        var pid = int.Parse(made.Machines[0].ProviderData["pid"], CultureInfo.InvariantCulture);
        Processes.KillGroup(pid);
        (await Processes.WaitForExitAsync(pid, TimeSpan.FromSeconds(5))).Should().BeTrue();

        var held = await provider.ListHeldAsync(request, CancellationToken.None);

        held.Machines.Should().BeEmpty();
    }
}
