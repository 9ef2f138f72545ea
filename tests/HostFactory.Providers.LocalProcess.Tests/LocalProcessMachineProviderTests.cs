using System.Diagnostics;
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

public sealed class LocalProcessMachineProviderTests : IDisposable
{
    private const string Sleeper = """["/bin/sh", "-c", "echo \"$HOSTFACTORY_MACHINE_NAME up\"; while :; do sleep 0.2; done"]""";
    /// <summary>A machine that ignores SIGTERM, and says so on its stdout once it does (the handshake before a release).</summary>
    private const string IgnoresTerm = """["/bin/sh", "-c", "trap '' TERM; echo ignoring TERM; while :; do sleep 0.2; done"]""";

    private readonly TempDirectory _directory = new();
    private readonly List<int> _started = [];

    public void Dispose()
    {
        // Every process a test started dies here, whatever the test did.
        foreach (var pid in _started)
        {
            Processes.KillGroup(pid);
        }

        _directory.Dispose();
    }

    private LocalProcessMachineProvider Provider(double graceSeconds = 5) =>
        new(new ProviderContext("local", "local-process", Path.Combine(_directory.Path, "state"), NullLoggerFactory.Instance, TimeProvider.System, _directory.Path),
            new LocalProcessProviderOptions { GraceSeconds = graceSeconds, HostName = "testhost" });

    private static TemplateSnapshot Template(string? command, params (string Key, string Raw)[] more)
    {
        var settings = more.ToDictionary(p => p.Key, p => (string?)p.Raw);
        if (command is not null)
        {
            settings["command"] = command;
        }

        return Domain.Templates.Template.Create(new TemplateId("agent"), "local", 10, new TemplateAttributes("X86_64", 512, 1), new ProviderSettings(settings), null, TimeProvider.System).ToSnapshot();
    }

    private async Task<IReadOnlyList<ProvisionedMachine>> ProvisionAsync(LocalProcessMachineProvider provider, string command, int count)
    {
        var result = await provider.ProvisionAsync(new ProvisionRequest(new ProvisionKey(RequestId.NewAcquire(), 0), Template(command), count), CancellationToken.None);
        _started.AddRange(result.Machines.Select(m => Pid(m.ProviderData)));
        result.IsComplete.Should().BeTrue(result.Error);
        return result.Machines;
    }

    private static int Pid(IReadOnlyDictionary<string, string> data) => int.Parse(data["pid"], CultureInfo.InvariantCulture);

    private static ProviderMachine Held(ProvisionedMachine machine) => new(MachineId.New(), machine.ProviderMachineId, machine.HostName, machine.ProviderData);

    [Fact]
    public async Task ProvisionAsync_WhenTheCommandIsValid_StartsOneDetachedProcessPerMachine()
    {
        var machines = await ProvisionAsync(Provider(), Sleeper, 2);

        machines.Should().HaveCount(2);
        machines.Select(m => m.HostName).Should().OnlyHaveUniqueItems().And.OnlyContain(n => n.StartsWith("testhost-", StringComparison.Ordinal));
        machines.Should().OnlyContain(m => m.PrivateIpAddress == "127.0.0.1" && m.Status == MachineStatus.Running);
        foreach (var machine in machines)
        {
            var pid = Pid(machine.ProviderData);
            Processes.IsRunning(pid).Should().BeTrue();
            Processes.Session(pid).Should().Be(pid, "the machine leads a session of its own, away from our terminal and process group");
            Processes.Parent(pid).Should().NotBe(Environment.ProcessId, "the launcher shell that started it has exited");
            machine.ProviderMachineId.Should().Be($"lp-{machine.HostName["testhost-".Length..]}-{pid}-{Processes.Stat(pid)![19]}");
        }

        var log = Path.Combine(machines[0].ProviderData["directory"], "stdout.log");
        (await WaitForTextAsync(log, $"{machines[0].HostName} up")).Should().BeTrue("the machine's stdout goes to its own log with HOSTFACTORY_MACHINE_NAME set");
    }

    [Fact]
    public async Task ProvisionAsync_WhenCalledFromAProcessThatExits_TheMachineOutlivesIt()
    {
        var config = _directory.File("hostfactory.json", """{ "hostFactory": { "providers": [ { "name": "local", "type": "local-process", "settings": { "hostName": "worker" } } ] } }""");
        var templates = _directory.File("templates.json", $$"""
            { "templates": [ { "templateId": "agent", "maxNumber": 10, "providerName": "local",
              "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "1"], "nram": ["Numeric", "512"] },
              "command": {{Sleeper}} } ] }
            """);
        var work = Path.Combine(_directory.Path, "work");

        var output = await Worker.RunAsync(config, work, "local", "provision", templates, "agent", "1");

        using var answer = JsonDocument.Parse(output);
        var machine = answer.RootElement.GetProperty("machines")[0];
        var pid = int.Parse(machine.GetProperty("data").GetProperty("pid").GetString()!, CultureInfo.InvariantCulture);
        _started.Add(pid);
        Processes.IsRunning(pid).Should().BeTrue("the machine must survive the worker process that provisioned it");
        Processes.Session(pid).Should().Be(pid, "it leads a session of its own, so nothing of the worker's end reaches it");

        var machines = _directory.File("machines.json", $$"""[ { "id": "{{machine.GetProperty("id").GetString()}}", "host": "{{machine.GetProperty("host").GetString()}}" } ]""");
        var released = await Worker.RunAsync(config, work, "local", "release", machines);
        released.Should().Contain("Stopped with SIGTERM.");
        (await Processes.WaitForExitAsync(pid, TimeSpan.FromSeconds(5))).Should().BeTrue("another process released it through the same state directory");
    }

    [Fact]
    public async Task ReleaseAsync_WhenTheProcessHonoursSigterm_StopsItWithoutWaitingOutTheGrace()
    {
        // The longest grace allowed, far past the deadline: returning at all proves the release did not sit it out. The deadline
        // only turns a hang into a failure; it measures nothing.
        var provider = Provider(graceSeconds: 600);
        var machines = await ProvisionAsync(provider, Sleeper, 2);

        var result = await provider.ReleaseAsync(machines.Select(Held).ToArray(), CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

        result.Outcomes.Should().OnlyContain(o => o.Outcome == ReleaseOutcome.Released && o.Message == "Stopped with SIGTERM.");
        machines.Should().OnlyContain(m => !Processes.IsRunning(Pid(m.ProviderData)));
        var observed = await provider.DescribeAsync(machines.Select(Held).ToArray(), CancellationToken.None);
        observed.Should().OnlyContain(o => o.Status == MachineStatus.Terminated && o.Message == "Released.");
    }

    [Fact]
    public async Task ReleaseAsync_WhenTheProcessIgnoresSigterm_KillsItAfterTheGrace()
    {
        var provider = Provider(graceSeconds: 1);
        var machine = (await ProvisionAsync(provider, IgnoresTerm, 1)).Single();
        (await WaitForTextAsync(Path.Combine(machine.ProviderData["directory"], "stdout.log"), "ignoring TERM")).Should().BeTrue("the machine has set its trap");
        var watch = Stopwatch.StartNew();

        var result = await provider.ReleaseAsync([Held(machine)], CancellationToken.None);

        watch.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        result.Outcomes.Single().Should().Be(new MachineReleaseOutcome(machine.ProviderMachineId, ReleaseOutcome.Released, "Killed with SIGKILL after ignoring SIGTERM."));
        Processes.IsRunning(Pid(machine.ProviderData)).Should().BeFalse();
    }

    [Fact]
    public async Task ReleaseAsync_WhenTheProcessIsAlreadyGone_SaysSo()
    {
        var provider = Provider();
        var machine = (await ProvisionAsync(provider, Sleeper, 1)).Single();
        Processes.KillGroup(Pid(machine.ProviderData));
        await Processes.WaitForExitAsync(Pid(machine.ProviderData), TimeSpan.FromSeconds(5));

        var result = await provider.ReleaseAsync([Held(machine)], CancellationToken.None);

        result.Outcomes.Single().Outcome.Should().Be(ReleaseOutcome.AlreadyGone);
    }

    [Fact]
    public async Task DescribeAsync_WhenRunning_ReportsRunning()
    {
        var provider = Provider();
        var machine = (await ProvisionAsync(provider, Sleeper, 1)).Single();

        var observed = await provider.DescribeAsync([Held(machine)], CancellationToken.None);

        observed.Single().Should().Be(new MachineObservation(machine.ProviderMachineId, MachineStatus.Running, null));
    }

    [Fact]
    public async Task DescribeAsync_WhenThePidBelongsToAnotherProcess_ReportsTheMachineTerminated()
    {
        var provider = Provider();
        var machine = (await ProvisionAsync(provider, Sleeper, 1)).Single();
        var pid = Pid(machine.ProviderData);
        var startTime = ulong.Parse(Processes.Stat(pid)![19], CultureInfo.InvariantCulture);
        var shortId = machine.HostName["testhost-".Length..];
        // The same pid with another start time is how a reused pid looks.
        var reused = new ProviderMachine(MachineId.New(), $"lp-{shortId}-{pid}-{startTime + 1}", machine.HostName, new Dictionary<string, string>());

        var observed = await provider.DescribeAsync([reused], CancellationToken.None);

        observed.Single().Status.Should().Be(MachineStatus.Terminated);
        observed.Single().Message.Should().StartWith($"Process {pid} exited without being released.");
        Processes.IsRunning(pid).Should().BeTrue("the process that owns the pid now is left alone");
    }

    [Fact]
    public async Task ListReclaimedAsync_WhenAProcessDiedWithoutBeingReleased_ReportsOnlyThatOne()
    {
        var provider = Provider();
        var machines = await ProvisionAsync(provider, Sleeper, 3);
        Processes.KillGroup(Pid(machines[0].ProviderData));
        await Processes.WaitForExitAsync(Pid(machines[0].ProviderData), TimeSpan.FromSeconds(5));
        await provider.ReleaseAsync([Held(machines[1])], CancellationToken.None);

        var reclaimed = await provider.ListReclaimedAsync(machines.Select(Held).ToArray(), CancellationToken.None);

        reclaimed.Should().Equal(new ReclaimedMachine(machines[0].ProviderMachineId, machines[0].HostName, 0));
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheProgramDoesNotExist_FailsNamingIt()
    {
        var result = await Provider().ProvisionAsync(new ProvisionRequest(new ProvisionKey(RequestId.NewAcquire(), 0), Template("""["no-such-program-hf"]"""), 1), CancellationToken.None);

        result.Machines.Should().BeEmpty();
        result.Error.Should().Be("Template 'agent' command 'no-such-program-hf' is not an executable file or a program on PATH.");
    }

    [Fact]
    public async Task ProvisionAsync_WhenAWorkingDirectoryIsGiven_RunsThereRelativeToTheConfigDirectory()
    {
        Directory.CreateDirectory(Path.Combine(_directory.Path, "agents"));
        var provider = Provider();
        var template = Template("""["/bin/sh", "-c", "pwd; while :; do sleep 0.2; done"]""", ("workingDirectory", "\"agents\""));

        var result = await provider.ProvisionAsync(new ProvisionRequest(new ProvisionKey(RequestId.NewAcquire(), 0), template, 1), CancellationToken.None);
        _started.AddRange(result.Machines.Select(m => Pid(m.ProviderData)));

        (await WaitForTextAsync(Path.Combine(result.Machines.Single().ProviderData["directory"], "stdout.log"), Path.Combine(_directory.Path, "agents"))).Should().BeTrue();
    }

    [Fact]
    public async Task ValidateTemplateAsync_WhenSettingsAreWrong_ListsEachProblem()
    {
        var problems = await Provider().ValidateTemplateAsync(Template("\"sleep 5\"", ("workingDirectory", "\"missing\""), ("environment", "[1]")), CancellationToken.None);

        problems.Should().Equal(
            "Template 'agent' setting 'command' must be a JSON array of strings, found \"sleep 5\".",
            $"Template 'agent' setting 'workingDirectory' names '{Path.Combine(_directory.Path, "missing")}', which does not exist.",
            "Template 'agent' setting 'environment' must be a JSON object whose values are strings, found [1].");
    }

    /// <summary>Waits until <paramref name="path"/> holds <paramref name="text"/>; false when it still does not after 30 s.</summary>
    private static async Task<bool> WaitForTextAsync(string path, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!(File.Exists(path) && (await File.ReadAllTextAsync(path)).Contains(text, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }
}
