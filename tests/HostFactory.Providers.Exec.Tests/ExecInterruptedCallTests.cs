using System.Text.Json;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;
using HostFactory.Providers.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace HostFactory.Providers.Exec.Tests;

/// <summary>
/// The exec provider passes the provision key to the program and lists what a program that implements <c>held</c>
/// holds; with the shipped example cloud (which honours the key), a requestMachines call whose process is SIGKILLed at
/// each step (after an instance is made, after all are, after the provider answered), alone or with its process tree
/// (held there by a <see cref="StepGate"/>, so the kill falls at the step and nowhere else), is recovered by the next status call: what the program made is adopted, a repeat under the key makes nothing, and no
/// instance is left that the request does not hold.
/// </summary>
public sealed class ExecInterruptedCallTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Count = 3;

    private readonly TempDirectory _directory = new();
    private string _script = null!;
    private InterruptedCall? _call;

    private string WorkDirectory => Path.Combine(_directory.Path, "work");

    private string StateDirectory => Path.Combine(WorkDirectory, "providers", "cloud");

    private string CloudDirectory => Path.Combine(StateDirectory, "cloud");

    public Task InitializeAsync()
    {
        // A copy of its own, so the test can tell its program's processes from those of other tests.
        _script = _directory.File("exec_cloud.py", File.ReadAllText(ExecMachineProviderTests.ExampleScript));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        (await Processes.WaitUntilNoneMentionsAsync(_script, TimeSpan.FromSeconds(10))).Should().BeTrue("no program run is left behind");
        if (_call is not null)
        {
            await _call.DisposeAsync();
        }

        _directory.Dispose();
    }

    private ExecMachineProvider Provider(string? program = null, bool listHeld = true) =>
        new(new ProviderContext("cloud", "exec", StateDirectory, NullLoggerFactory.Instance, TimeProvider.System, _directory.Path),
            new ExecProviderOptions { Program = program ?? "python3", Arguments = program is null ? [_script] : [], ListHeld = listHeld, TimeoutSeconds = 30 });

    private static ProvisionRequest Request(ProvisionKey key, int count) =>
        new(key, Template.Create(new TemplateId("cloud-small"), "cloud", 10, new TemplateAttributes("X86_64", 4096, 2), Settings(), null, TimeProvider.System).ToSnapshot(), count);

    private static ProviderSettings Settings(double apiDelaySeconds = 0) =>
        new(new Dictionary<string, string?> { ["imageId"] = "\"img-1\"", ["apiDelaySeconds"] = JsonSerializer.Serialize(apiDelaySeconds) });

    [Fact]
    public async Task ProvisionAsync_Always_GivesTheProgramTheKeyOnStdinAndInItsEnvironment()
    {
        var seen = Path.Combine(_directory.Path, "seen");
        var program = _directory.File("program.sh", $"#!/bin/sh\ncat > {seen}.json; echo \"$HOSTFACTORY_PROVISION_KEY\" > {seen}.env; echo '{{\"machines\": [{{\"machineId\": \"m-1\"}}]}}'\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var key = new ProvisionKey(RequestId.NewAcquire(), 2);

        await Provider(program).ProvisionAsync(Request(key, 1), CancellationToken.None);

        using var request = JsonDocument.Parse(await File.ReadAllTextAsync(seen + ".json"));
        request.RootElement.GetProperty("key").GetString().Should().Be(key.Value);
        request.RootElement.GetProperty("requestId").GetString().Should().Be(key.RequestId.Value, "the request id stays, for programs written before the key");
        (await File.ReadAllTextAsync(seen + ".env")).Trim().Should().Be(key.Value);
    }

    [Fact]
    public async Task ListHeldAsync_WhenTheProgramIsNotDeclaredToImplementHeld_SaysTheProviderCannotList()
    {
        var held = await Provider(listHeld: false).ListHeldAsync(RequestId.NewAcquire(), CancellationToken.None);

        held.Should().BeEquivalentTo(new
        {
            IsSupported = false,
            Reason = "exec provider 'cloud': its program is not declared to implement the optional 'held' operation (settings.listHeld).",
        });
    }

    [Fact]
    public async Task ListHeldAsync_WhenTheProgramAnswersAnEntryWithoutAKey_ReportsTheInvalidAnswer()
    {
        var program = _directory.File("program.sh", "#!/bin/sh\ncat > /dev/null; echo '{\"machines\": [{\"machineId\": \"m-1\", \"key\": \"not-a-key\"}]}'\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var listing = () => Provider(program).ListHeldAsync(null, CancellationToken.None);

        (await listing.Should().ThrowAsync<MachineProviderException>()).WithMessage(
            $"exec provider 'cloud': '{program}' held returned an invalid answer: machine 'm-1' has the key 'not-a-key', which is not a provision key HostFactory gave (req-… or req-….N).");
    }

    [Fact]
    public async Task ProvisionAsync_WhenTheExampleCloudIsAskedAgainUnderTheSameKey_AnswersWithTheSameInstancesAndListsThem()
    {
        var provider = Provider();
        var request = RequestId.NewAcquire();
        var first = await provider.ProvisionAsync(Request(new ProvisionKey(request, 0), 2), CancellationToken.None);
        var more = await provider.ProvisionAsync(Request(new ProvisionKey(request, 1), 1), CancellationToken.None);
        await provider.ProvisionAsync(Request(new ProvisionKey(RequestId.NewAcquire(), 0), 1), CancellationToken.None);

        var again = await provider.ProvisionAsync(Request(new ProvisionKey(request, 0), 2), CancellationToken.None);
        var held = await provider.ListHeldAsync(request, CancellationToken.None);

        again.Should().BeEquivalentTo(first);
        Instances().Should().HaveCount(4, "the repeat made none");
        held.Machines.Select(h => (h.Key, h.Machine.ProviderMachineId)).Should().BeEquivalentTo(
            first.Machines.Select(m => (new ProvisionKey(request, 0), m.ProviderMachineId)).Append((new ProvisionKey(request, 1), more.Machines[0].ProviderMachineId)));
        (await provider.ListHeldAsync(null, CancellationToken.None)).Machines.Should().HaveCount(4);
    }

    public static TheoryData<string, bool, bool> Steps => new()
    {
        { "the first instance is made", false, true },
        { "the second instance is made", true, true },
        { "the second instance is made", true, false },
        { "every instance is made", false, false },
        { "the provider answered", false, true },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task SyncRequests_WhenTheCallIsKilledAfterAStep_AdoptsWhatTheProgramMadeAndLeaksNone(string step, bool wholeTree, bool listHeld)
    {
        var provider = Provider(listHeld: listHeld);
        _call = await InterruptedCall.CreateAsync("cloud", provider, "cloud-small", new Dictionary<string, string?>(Settings().Values));
        var request = await _call.SavePendingAsync(Count);
        // The example cloud sleeps before each instance it makes and before it answers: held at the sleep after the
        // step's instance.
        using var gate = StepGate.Create(_directory.Path, step switch
        {
            "the first instance is made" => "sleep-2",
            "the second instance is made" => "sleep-3",
            "every instance is made" => "sleep-4",
            _ => "never",
        });

        var killed = await InterruptedCall.KillAsync(WorkerArguments(request.ProvisionKey, listHeld), () => gate.Reached, wholeTree, gate);
        killed.Should().Be(step != "the provider answered");
        (await Processes.WaitUntilNoneMentionsAsync(_script, TimeSpan.FromSeconds(15))).Should().BeTrue("a program orphaned by the kill finishes");
        var made = Instances().Count;
        if (wholeTree)
        {
            made.Should().Be(step switch { "the first instance is made" => 1, "the second instance is made" => 2, _ => Count }, "the call was held at its step");
        }

        var recovered = await _call.RecoverAsync(request.Id);

        var recorded = _call.MachinesOf(request.Id);
        output.WriteLine($"{step}, whole tree {wholeTree}, lists {listHeld}: killed {killed}; instances made before recovery: {made}; request: {recovered.Status}, {recorded.Count} machine(s): {recovered.Message}");
        recovered.Status.Should().Be(RequestStatus.Provisioning, recovered.Message);
        recorded.Select(m => m.ProviderMachineId).Should().BeEquivalentTo(LiveInstances(), "every live instance is a machine the request holds");
        recorded.Should().HaveCountLessThanOrEqualTo(Count);
        if (listHeld || made == 0)
        {
            recorded.Should().HaveCount(Count, "a provider that lists gets the rest under the next attempt's key");
        }
        else
        {
            recorded.Should().HaveCount(made, "asked again under the key, the program answers with what it made and makes none");
        }

        var again = await provider.ProvisionAsync(Request(request.ProvisionKey, Count), CancellationToken.None);
        again.Machines.Select(m => m.ProviderMachineId).Should().BeSubsetOf(recorded.Select(m => m.ProviderMachineId), "a repeat under the key makes nothing");
        LiveInstances().Should().HaveCount(recorded.Count);

        await _call.ReturnAllAsync(request.Id);
        LiveInstances().Should().BeEmpty("every instance was returned");
    }

    private string[] WorkerArguments(ProvisionKey key, bool listHeld)
    {
        var config = _directory.File("hostfactory.json", $$"""
            { "hostFactory": { "providers": [ { "name": "cloud", "type": "exec",
              "settings": { "program": "python3", "arguments": [ {{JsonSerializer.Serialize(_script)}} ], "listHeld": {{(listHeld ? "true" : "false")}} } } ] } }
            """);
        var templates = _directory.File("templates.json", """
            { "templates": [ { "templateId": "cloud-small", "maxNumber": 10, "providerName": "cloud",
              "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "2"], "nram": ["Numeric", "4096"] },
              "imageId": "img-1" } ] }
            """);
        return [config, WorkDirectory, "cloud", "provision", templates, "cloud-small", Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-", key.Value];
    }

    private IReadOnlyList<JsonElement> Instances() =>
        Directory.Exists(CloudDirectory)
            ? [.. Directory.GetFiles(CloudDirectory, "i-*.json").Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.Clone())]
            : [];

    private IReadOnlyList<string> LiveInstances() =>
        [.. Instances().Where(i => i.GetProperty("state").GetString() != "terminated").Select(i => i.GetProperty("id").GetString()!)];
}
