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

namespace HostFactory.Providers.Exec.Tests;

public sealed class ExecMachineProviderTests : IDisposable
{
    /// <summary>The shipped example program, config/examples/exec_cloud.py.</summary>
    internal static readonly string ExampleScript = FindExample();

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string StateDirectory => Path.Combine(_directory.Path, "state");

    private ExecMachineProvider Provider(string program, double timeoutSeconds = 10, params string[] arguments) =>
        new(new ProviderContext("cloud", "exec", StateDirectory, NullLoggerFactory.Instance, TimeProvider.System, _directory.Path),
            new ExecProviderOptions { Program = program, Arguments = [.. arguments], TimeoutSeconds = timeoutSeconds });

    private string Script(string body)
    {
        var path = _directory.File($"script-{Guid.NewGuid():N}.sh", "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static ProvisionRequest Request(int count, params (string Key, string Raw)[] settings) =>
        new(new ProvisionKey(RequestId.NewAcquire(), 0),
            Template.Create(new TemplateId("cloud-small"), "cloud", 10, new TemplateAttributes("X86_64", 4096, 2),
                new ProviderSettings(settings.ToDictionary(s => s.Key, s => (string?)s.Raw)), null, TimeProvider.System).ToSnapshot(),
            count);

    private static ProviderMachine Held(ProvisionedMachine machine) => new(MachineId.New(), machine.ProviderMachineId, machine.HostName, machine.ProviderData);

    private static ProviderMachine Held(string id) => new(MachineId.New(), id, $"host-{id}", new Dictionary<string, string>());

    [Fact]
    public async Task Lifecycle_WhenDrivingTheShippedExampleScript_ProvisionsDescribesReleasesAndReclaims()
    {
        var provider = Provider("python3", 30, ExampleScript);

        var made = await provider.ProvisionAsync(Request(3, ("imageId", "\"img-1\""), ("instanceTags", "\"team=hpc;env=test\"")), CancellationToken.None);

        made.IsComplete.Should().BeTrue(made.Error);
        made.Machines.Should().HaveCount(3).And.OnlyContain(m =>
            m.ProviderMachineId.StartsWith("i-", StringComparison.Ordinal) && m.HostName.EndsWith(".cloud.internal", StringComparison.Ordinal)
            && m.PrivateIpAddress.StartsWith("10.", StringComparison.Ordinal) && m.Status == MachineStatus.Running
            && m.ProviderData["imageId"] == "img-1" && m.Tags!["team"] == "hpc");
        Directory.GetFiles(Path.Combine(StateDirectory, "cloud"), "i-*.json").Should().HaveCount(3);

        var held = made.Machines.Select(Held).ToArray();
        (await provider.DescribeAsync(held, CancellationToken.None)).Should().OnlyContain(o => o.Status == MachineStatus.Running);

        var released = await provider.ReleaseAsync([held[0]], CancellationToken.None);
        released.Outcomes.Single().Should().Be(new MachineReleaseOutcome(held[0].ProviderMachineId, ReleaseOutcome.Released, null));
        (await provider.ReleaseAsync([held[0]], CancellationToken.None)).Outcomes.Single().Outcome.Should().Be(ReleaseOutcome.AlreadyGone);
        (await provider.DescribeAsync([held[0]], CancellationToken.None)).Single().Status.Should().Be(MachineStatus.Terminated);

        await ExternalCommand.RunAsync(["python3", ExampleScript, "--state", StateDirectory, "reclaim", held[1].ProviderMachineId, "120"], null, TimeSpan.FromSeconds(30), CancellationToken.None);
        var reclaimed = await provider.ListReclaimedAsync(held, CancellationToken.None);
        reclaimed.Should().ContainSingle().Which.Should().Match<ReclaimedMachine>(r => r.ProviderMachineId == held[1].ProviderMachineId && r.GracePeriodSeconds > 100);
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheCallIsTraced_GivesTheProgramTheTraceContextInTraceparent()
    {
        using var source = new ActivitySource("HostFactory.Providers.Exec.Tests." + Guid.NewGuid().ToString("N"));
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var seen = Path.Combine(_directory.Path, "traceparent.txt");
        var provider = Provider(Script($$"""printf '%s\n%s' "$TRACEPARENT" "$TRACESTATE" > '{{seen}}'; echo '{"machines": [{"machineId": "i-1"}]}'"""));

        Activity call;
        using (call = source.StartActivity("provider provision")!)
        {
            call.TraceStateString = "hostfactory=test";
            (await provider.ProvisionAsync(Request(1), CancellationToken.None)).IsComplete.Should().BeTrue();
        }

        var lines = await File.ReadAllLinesAsync(seen);
        lines[0].Should().Be($"00-{call.TraceId}-{call.SpanId}-01", "the program's spans become children of the provider call");
        lines[1].Should().Be("hostfactory=test");
    }

    [Fact]
    public async Task ProvisionAsync_WhenNotTraced_SetsNoTraceparent()
    {
        var seen = Path.Combine(_directory.Path, "traceparent.txt");
        var provider = Provider(Script($$"""printf '[%s]' "${TRACEPARENT-unset}" > '{{seen}}'; echo '{"machines": [{"machineId": "i-1"}]}'"""));

        (await provider.ProvisionAsync(Request(1), CancellationToken.None)).IsComplete.Should().BeTrue();

        (await File.ReadAllTextAsync(seen)).Should().Be(Environment.GetEnvironmentVariable("TRACEPARENT") is { } inherited ? $"[{inherited}]" : "[unset]");
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheExampleCloudIsAtCapacity_ReturnsWhatWasMadeWithItsMessage()
    {
        var result = await Provider("python3", 30, ExampleScript).ProvisionAsync(Request(3, ("imageId", "\"img-1\""), ("capacity", "2")), CancellationToken.None);

        result.Machines.Should().HaveCount(2);
        result.Error.Should().Be("The simulated cloud is at capacity (2): made 2 of 3 instances.");
    }

    [Fact]
    public async Task ValidateTemplateAsync_WhenTheExampleFindsProblems_ReturnsThem()
    {
        var template = Request(1, ("bootSeconds", "\"soon\"")).Template;

        var problems = await Provider("python3", 30, ExampleScript).ValidateTemplateAsync(template, CancellationToken.None);

        problems.Should().Equal("Template 'cloud-small' needs an 'imageId' string.", "Template 'cloud-small' setting 'bootSeconds' must be a number.");
    }

    [Fact]
    public async Task ProvisionAsync_Always_SendsTheOperationAsArgumentAndTheRequestOnStdin()
    {
        var seen = Path.Combine(_directory.Path, "seen");
        var provider = Provider(Script($"printf '%s\\n' \"$@\" > {seen}.args; cat > {seen}.json; echo '{{\"machines\": [{{\"machineId\": \"m-1\", \"name\": \"h1\", \"privateIpAddress\": \"10.0.0.1\", \"status\": \"pending\", \"launchtime\": 1700000000, \"data\": {{\"zone\": \"a\"}}}}]}}'"), 10, "--region", "eu");

        var result = await provider.ProvisionAsync(Request(1, ("imageId", "\"img-1\""), ("count", "[1, 2]")), CancellationToken.None);

        result.IsComplete.Should().BeTrue(result.Error);
        result.Machines.Single().Should().Match<ProvisionedMachine>(m =>
            m.ProviderMachineId == "m-1" && m.Status == MachineStatus.Pending && m.LaunchTime == DateTimeOffset.FromUnixTimeSeconds(1700000000) && m.ProviderData["zone"] == "a");
        (await File.ReadAllLinesAsync(seen + ".args")).Should().Equal("--region", "eu", "provision");
        using var request = JsonDocument.Parse(await File.ReadAllTextAsync(seen + ".json"));
        var root = request.RootElement;
        root.GetProperty("operation").GetString().Should().Be("provision");
        root.GetProperty("provider").GetProperty("name").GetString().Should().Be("cloud");
        root.GetProperty("provider").GetProperty("stateDirectory").GetString().Should().Be(StateDirectory);
        root.GetProperty("count").GetInt32().Should().Be(1);
        root.GetProperty("requestId").GetString().Should().StartWith("req-");
        root.GetProperty("template").GetProperty("attributes").GetProperty("nram").EnumerateArray().Select(e => e.GetString()).Should().Equal("Numeric", "4096");
        root.GetProperty("template").GetProperty("settings").GetProperty("count").GetRawText().Should().Be("[1, 2]", "template settings reach the program as their raw JSON");
    }

    [Fact]
    public async Task DescribeAsync_Always_SendsTheMachinesWithTheirData()
    {
        var seen = Path.Combine(_directory.Path, "describe.json");
        var provider = Provider(Script($"cat > {seen}; echo '{{\"machines\": [{{\"machineId\": \"m-1\", \"status\": \"shutting-down\", \"message\": \"bye\"}}]}}'"));

        var observed = await provider.DescribeAsync([new ProviderMachine(MachineId.New(), "m-1", "h1", new Dictionary<string, string> { ["zone"] = "a" })], CancellationToken.None);

        observed.Single().Should().Be(new MachineObservation("m-1", MachineStatus.ShuttingDown, "bye"));
        using var request = JsonDocument.Parse(await File.ReadAllTextAsync(seen));
        var machine = request.RootElement.GetProperty("machines")[0];
        (machine.GetProperty("machineId").GetString(), machine.GetProperty("name").GetString(), machine.GetProperty("data").GetProperty("zone").GetString())
            .Should().Be(("m-1", "h1", "a"));
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheProgramExitsNonZero_FailsWithItsMessageAndStderrTail()
    {
        var script = Script("cat > /dev/null; echo '{\"message\": \"quota exceeded\"}'; echo 'HTTP 403 from the API' >&2; exit 3");

        var result = await Provider(script).ProvisionAsync(Request(1), CancellationToken.None);

        result.Machines.Should().BeEmpty();
        result.Error.Should().Be($"exec provider 'cloud': '{script}' provision exited with code 3: quota exceeded (stderr: HTTP 403 from the API)");
    }

    [Fact]
    public async Task DescribeAsync_WhenTheProgramExitsNonZeroSilently_ThrowsWithTheExitCode()
    {
        var script = Script("exit 1");

        var act = () => Provider(script).DescribeAsync([Held("m-1")], CancellationToken.None);

        (await act.Should().ThrowAsync<MachineProviderException>()).WithMessage($"exec provider 'cloud': '{script}' describe exited with code 1");
    }

    [Fact]
    public async Task ReleaseAsync_WhenTheProgramSaysTryAgain_ThrowsTransient()
    {
        var script = Script("echo 'rate limited' >&2; exit 75");

        var act = () => Provider(script).ReleaseAsync([Held("m-1")], CancellationToken.None);

        (await act.Should().ThrowAsync<TransientProviderException>()).WithMessage("*release exited with code 75 (stderr: rate limited)");
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheProgramPrintsInvalidJson_SaysSo()
    {
        var script = Script("echo 'Created instance i-123'");

        var result = await Provider(script).ProvisionAsync(Request(1), CancellationToken.None);

        result.Error.Should().StartWith($"exec provider 'cloud': '{script}' provision: provider returned invalid JSON: ")
            .And.EndWith("Output began: Created instance i-123");
    }

    [Fact]
    public async Task ListReclaimedAsync_WhenTheProgramPrintsInvalidJson_Throws()
    {
        var act = () => Provider(Script("echo '{\"machines\": ['")).ListReclaimedAsync([Held("m-1")], CancellationToken.None);

        (await act.Should().ThrowAsync<MachineProviderException>()).WithMessage("*reclaimed: provider returned invalid JSON: *");
    }

    [Fact]
    public async Task DescribeAsync_WhenTheAnswerBreaksTheSchema_NamesTheProblem()
    {
        var provider = Provider(Script("echo '{\"machines\": [{\"machineId\": \"m-1\", \"status\": \"exploded\"}]}'"));

        var act = () => provider.DescribeAsync([Held("m-1")], CancellationToken.None);

        (await act.Should().ThrowAsync<MachineProviderException>())
            .WithMessage("*describe returned an invalid answer: machine 'm-1' has status 'exploded', which is not one of pending, running, stopping, stopped, shutting-down, terminated, failed, unknown.");
    }

    [Fact]
    public async Task ProvisionAsync_WhenSomeMachinesLackAnId_KeepsTheOthersAndReportsThem()
    {
        var provider = Provider(Script("echo '{\"machines\": [{\"machineId\": \"m-1\", \"name\": \"h1\"}, {\"name\": \"h2\"}]}'"));

        var result = await provider.ProvisionAsync(Request(2), CancellationToken.None);

        result.Machines.Select(m => m.ProviderMachineId).Should().Equal("m-1");
        result.Error.Should().EndWith("provision returned invalid machines: machines[1] has no 'machineId'.");
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheProgramHangs_KillsItsProcessTreeAtTheTimeout()
    {
        var childPid = Path.Combine(_directory.Path, "child.pid");
        var provider = Provider(Script($"sleep 60 & echo $! > {childPid}; wait"), timeoutSeconds: 1);

        var result = await provider.ProvisionAsync(Request(1), CancellationToken.None);

        result.Machines.Should().BeEmpty();
        result.Error.Should().Contain("did not finish within 1 s; its process tree was killed.").And.Contain("unknown to HostFactory");
        var pid = int.Parse(await File.ReadAllTextAsync(childPid), CultureInfo.InvariantCulture);
        (await Processes.WaitForExitAsync(pid, TimeSpan.FromSeconds(5))).Should().BeTrue("the script's child is part of the killed tree");
    }

    [Fact]
    public async Task DescribeAsync_WhenTheProgramHangs_ThrowsTimeoutForTheHostToRetry()
    {
        var act = () => Provider(Script("sleep 60"), timeoutSeconds: 1).DescribeAsync([Held("m-1")], CancellationToken.None);

        await act.Should().ThrowAsync<TimeoutException>();
    }

    private static string FindExample()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var script = Path.Combine(directory.FullName, "config", "examples", "exec_cloud.py");
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new InvalidOperationException("config/examples/exec_cloud.py was not found above the test output.");
    }
}
