using System.Globalization;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;
using HostFactory.Providers.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace HostFactory.Providers.LocalProcess.Tests;

/// <summary>
/// A requestMachines call whose process is SIGKILLed at each step of the local-process provider's work (after a
/// machine's record is written, after a machine started, after all started, after the provider answered), alone or
/// with its process tree (held there by a <see cref="StepGate"/>, so the kill falls at the step and nowhere else): the
/// next status call adopts what the provider started, a repeat under the key starts
/// nothing, and no machine process is left that the request does not hold.
/// </summary>
public sealed class LocalProcessInterruptedCallTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Count = 3;
    private const string Sleeper = """["/bin/sh", "-c", "while :; do sleep 0.2; done"]""";

    private readonly TempDirectory _directory = new();
    private LocalProcessMachineProvider _provider = null!;
    private InterruptedCall _call = null!;

    private string WorkDirectory => Path.Combine(_directory.Path, "work");

    private string MachinesDirectory => Path.Combine(WorkDirectory, "providers", "local", "machines");

    public async Task InitializeAsync()
    {
        _provider = new LocalProcessMachineProvider(
            new ProviderContext("local", "local-process", Path.Combine(WorkDirectory, "providers", "local"), NullLoggerFactory.Instance, TimeProvider.System, _directory.Path),
            new LocalProcessProviderOptions { GraceSeconds = 2, HostName = "testhost" });
        _call = await InterruptedCall.CreateAsync("local", _provider, "agent", new Dictionary<string, string?> { ["command"] = Sleeper });
    }

    public async Task DisposeAsync()
    {
        foreach (var pid in LiveMachines())
        {
            Processes.KillGroup(pid);
        }

        await _call.DisposeAsync();
        _directory.Dispose();
    }

    public static TheoryData<string, bool> Steps => new()
    {
        { "a machine's record is written", false },
        { "a machine's record is written", true },
        { "the first machine started", false },
        { "the first machine started", true },
        { "the second machine started", false },
        { "the second machine started", true },
        { "every machine started", false },
        { "the provider answered", false },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task SyncRequests_WhenTheCallIsKilledAfterAStep_AdoptsWhatTheProviderStartedAndLeaksNone(string step, bool wholeTree)
    {
        var request = await _call.SavePendingAsync(Count);
        // Held where the launcher of the next machine is about to start it (its record written, the machines before it
        // started), or where the provider answered and the caller has not printed it.
        var startedBefore = step switch { "a machine's record is written" => 0, "the first machine started" => 1, "the second machine started" => 2, _ => Count };
        using var gate = StepGate.Create(_directory.Path, startedBefore < Count ? $"setsid-{startedBefore + 1}" : step == "every machine started" ? "answered-1" : "never");

        var killed = await InterruptedCall.KillAsync(WorkerArguments(request.ProvisionKey), () => gate.Reached, wholeTree, gate);
        killed.Should().Be(step != "the provider answered", "the worker is killed at the step, or finishes and its answer is lost");
        Files("machine.json").Should().Be(Math.Min(startedBefore + 1, Count), "the call was held at its step");

        // A launcher orphaned by the kill finishes its machine's start (or fails it) within moments.
        (await Processes.WaitUntilNoneMentionsAsync(MachinesDirectory, TimeSpan.FromSeconds(15))).Should().BeTrue();
        var started = LiveMachines();
        started.Should().HaveCount(wholeTree || startedBefore == Count ? startedBefore : startedBefore + 1, "a launcher the kill left alive starts its machine");

        var recovered = await _call.RecoverAsync(request.Id);

        var recorded = _call.MachinesOf(request.Id);
        output.WriteLine($"{step}, whole tree {wholeTree}: killed {killed}; started and running before recovery: {started.Count}; request: {recovered.Status}, {recorded.Count} machine(s): {recovered.Message}");
        LiveMachines().Should().BeEquivalentTo(recorded.Select(m => Pid(m.ProviderData)), "every live machine process is a machine the request holds");
        started.Should().BeSubsetOf(recorded.Select(m => Pid(m.ProviderData)), "what the killed call started is adopted, not left running beside a second set");
        recorded.Should().HaveCountLessThanOrEqualTo(Count);
        if (recovered.Status == RequestStatus.Failed)
        {
            // Only when the kill also took the machines the call started: the key made machines, none runs, and a
            // repeat under it makes none.
            recorded.Should().BeEmpty(recovered.Message);
            recovered.Message.Should().Contain("no more are made under it");
        }
        else
        {
            recovered.Status.Should().Be(RequestStatus.Provisioning, recovered.Message);
            recorded.Should().HaveCount(Count, recovered.Message);
            recovered.Message.Should().Be(started.Count == 0
                ? $"The call that saved the request was interrupted; the provider was asked again under the same key and reported {Count} of {Count} machine(s)."
                : started.Count == Count
                    ? $"Recovered {Count} machine(s) made by an interrupted call."
                    : $"Recovered {started.Count} machine(s) made by an interrupted call. The provider made {Count - started.Count} of the {Count - started.Count} more needed.");
        }

        var folders = Directory.GetDirectories(MachinesDirectory).Length;
        var again = await _provider.ProvisionAsync(new ProvisionRequest(request.ProvisionKey, (await _call.Host.Templates.FindAsync(new TemplateId("agent"), default))!.ToSnapshot(), Count), CancellationToken.None);
        Directory.GetDirectories(MachinesDirectory).Length.Should().Be(folders, "a repeat under the key the killed call used starts nothing");
        again.Machines.Select(m => m.ProviderMachineId).Should().BeSubsetOf(recorded.Select(m => m.ProviderMachineId));

        await _call.ReturnAllAsync(request.Id);
        LiveMachines().Should().BeEmpty("every machine was returned");
    }

    private string[] WorkerArguments(ProvisionKey key)
    {
        var config = _directory.File("hostfactory.json", """{ "hostFactory": { "providers": [ { "name": "local", "type": "local-process", "settings": { "hostName": "testhost", "graceSeconds": 2 } } ] } }""");
        var templates = _directory.File("templates.json", $$"""
            { "templates": [ { "templateId": "agent", "maxNumber": 10, "providerName": "local",
              "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "1"], "nram": ["Numeric", "512"] },
              "command": {{Sleeper}} } ] }
            """);
        return [config, WorkDirectory, "local", "provision", templates, "agent", Count.ToString(CultureInfo.InvariantCulture), "-", key.Value];
    }

    private int Files(string name) =>
        Directory.Exists(MachinesDirectory) ? Directory.EnumerateFiles(MachinesDirectory, name, SearchOption.AllDirectories).Count() : 0;

    /// <summary>The machine processes of <paramref name="machinesDirectory"/> that run now, from their pid files.</summary>
    internal static IReadOnlyList<int> LiveMachines(string machinesDirectory) =>
        Directory.Exists(machinesDirectory)
            ? Directory.EnumerateFiles(machinesDirectory, "pid", SearchOption.AllDirectories)
                .Select(f => int.Parse(File.ReadAllText(f).Split(' ')[0], CultureInfo.InvariantCulture))
                .Where(Processes.IsRunning)
                .ToArray()
            : [];

    private IReadOnlyList<int> LiveMachines() => LiveMachines(MachinesDirectory);

    private static int Pid(IReadOnlyDictionary<string, string> data) => int.Parse(data["pid"], CultureInfo.InvariantCulture);
}
