using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HostFactory.Cli.Tests.Support;
using HostFactory.Providers.Testing;
using Xunit.Abstractions;

namespace HostFactory.Cli.Tests;

/// <summary>
/// Host Factory kills a provider script that runs past its timeout, and hosts crash. Through the installed scripts,
/// with the local-process provider and the resident process off and on, requestMachines and requestReturnMachines calls
/// are SIGKILLed with their process trees at random moments (seeded; the seed is in the test output, and
/// HOSTFACTORY_KILL_SEED replays it). Then getRequestStatus is polled for the requests Host Factory got answers for, as
/// Host Factory polls, until nothing is pending any more. Every live machine process must be a machine of a request in
/// the store, no request may hold more machines than it asked for, returning every recorded machine must leave no
/// machine process, and the test must leave nothing behind.
/// </summary>
public sealed class KilledCallTests(ITestOutputHelper output)
{
    private const int Acquires = 32;
    private const int Returns = 12;
    private const int Parallel = 4;
    private const string TemplateId = "e2e-kill";

    // The provider's longest call (3 s, no retries) plus the interrupted-call grace (1 s): past this, nothing pending can still run.
    private const int ProviderTimeoutSeconds = 3;
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Scripts_WhenCallsAreKilledAtRandomMoments_EveryMachineIsARequestsAndNoneIsLeft(bool resident)
    {
        var seed = Environment.GetEnvironmentVariable("HOSTFACTORY_KILL_SEED") is { Length: > 0 } replay
            ? int.Parse(replay, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"seed {seed.ToString(CultureInfo.InvariantCulture)}, resident process {(resident ? "on" : "off")}");
        var random = new Random(seed);
        var watch = Stopwatch.StartNew();
        string root;
        IReadOnlyList<int> residents;
        await using (var hf = await HostFactoryInstallation.CreateAsync(
            [HostFactoryInstallation.Template(TemplateId, 500)],
            resident: resident,
            providerTimeoutSeconds: ProviderTimeoutSeconds,
            extraSettings: "\"application\": { \"interruptedCallGrace\": \"00:00:01\" }"))
        {
            root = hf.Root;
            var known = new List<string>();

            // How long a whole requestMachines takes here and now, with as many calls at once as the kills will see, once
            // the first call imported the templates (and, resident, started the resident process): kills fall anywhere
            // from a call's start to a bit past the slowest of these.
            known.Add((await hf.AnswerAsync("requestMachines", Acquire(1))).GetProperty("requestId").GetString()!);
            var timed = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(async _ =>
            {
                var timer = Stopwatch.StartNew();
                var id = (await hf.AnswerAsync("requestMachines", Acquire(2))).GetProperty("requestId").GetString()!;
                return (Id: id, Took: timer.Elapsed);
            }));
            known.AddRange(timed.Select(t => t.Id));
            var span = timed.Max(t => t.Took) * 1.3;
            output.WriteLine($"{Parallel} requestMachines calls at once took up to {timed.Max(t => t.Took).TotalMilliseconds:0} ms; kills fall within {span.TotalMilliseconds:0} ms of a call's start");

            var acquires = Enumerable.Range(0, Acquires).Select(_ => (Count: random.Next(1, 4), KillAfter: span * random.NextDouble())).ToList();
            var acquired = await RunAsync(acquires, call => hf.RunScriptAsync("requestMachines", Acquire(call.Count), call.KillAfter));
            known.AddRange(Answered(acquired));
            await SettleAsync(hf, known);

            // Enough running machines for every return call, whatever the kills left.
            var running = (await ListAsync(hf, "machines", "--status", "running")).Select(m => m.GetProperty("name").GetString()!).ToList();
            if (running.Count < 2 * Returns)
            {
                known.Add((await hf.AnswerAsync("requestMachines", Acquire(2 * Returns - running.Count))).GetProperty("requestId").GetString()!);
                await SettleAsync(hf, known);
                running = (await ListAsync(hf, "machines", "--status", "running")).Select(m => m.GetProperty("name").GetString()!).ToList();
            }

            var returns = Enumerable.Range(0, Returns).Select(_ => (Count: random.Next(1, 3), KillAfter: span * random.NextDouble())).ToList();
            var handed = new Queue<string>(running.OrderBy(_ => random.Next()));
            var returned = await RunAsync(
                returns.Select(r => (Names: Take(handed, r.Count), r.KillAfter)).Where(r => r.Names.Count > 0).ToList(),
                call => hf.RunScriptAsync("requestReturnMachines", Return(call.Names), call.KillAfter));
            known.AddRange(Answered(returned));
            await SettleAsync(hf, known);

            var requests = await ListAsync(hf, "requests");
            var machines = await ListAsync(hf, "machines");
            var held = machines.Where(m => m.GetProperty("status").GetString() != "terminated").ToList();
            output.WriteLine(
                $"requestMachines: {acquired.Count} calls, {Killed(acquired)} killed; requestReturnMachines: {returned.Count} calls, {Killed(returned)} killed; "
                + $"{requests.Count} requests in the store, {requests.Count(r => r.GetProperty("message").GetString()!.Contains("interrupted", StringComparison.Ordinal))} of them recovered after a kill; "
                + $"{machines.Count} machines recorded, {held.Count} not terminated, {hf.LiveMachineProcesses().Count} machine processes alive");

            requests.Should().NotContain(r => r.GetProperty("status").GetString() == "pending", "every interrupted call was recovered");
            var heldPids = held.Select(m => int.Parse(m.GetProperty("providerData").GetProperty("pid").GetString()!, CultureInfo.InvariantCulture)).ToHashSet();
            var leaked = hf.LiveMachineProcesses().Where(pid => !heldPids.Contains(pid)).ToList();
            leaked.Should().BeEmpty($"every live machine process is a machine of a request in the store; not held: {Describe(hf, leaked, requests, machines)}");
            foreach (var request in requests.Where(r => r.GetProperty("kind").GetString() == "acquire"))
            {
                var id = request.GetProperty("requestId").GetString();
                var asked = request.GetProperty("requestedCount").GetInt32();
                request.GetProperty("machineIds").GetArrayLength().Should().BeLessThanOrEqualTo(asked, $"request {id} holds no more than it asked for");
                held.Count(m => m.GetProperty("requestId").GetString() == id).Should().BeLessThanOrEqualTo(asked, $"request {id} holds no more than it asked for");
            }

            var all = held.Where(m => m.GetProperty("returnRequestId").ValueKind == JsonValueKind.Null).Select(m => m.GetProperty("name").GetString()!).ToList();
            if (all.Count > 0)
            {
                known.Add((await hf.AnswerAsync("requestReturnMachines", Return(all))).GetProperty("requestId").GetString()!);
            }

            await SettleAsync(hf, known);
            hf.LiveMachineProcesses().Should().BeEmpty("every recorded machine was returned");
            residents = hf.LiveResidentProcesses();
        }

        Directory.Exists(root).Should().BeFalse("the installation's directory is removed");
        residents.Where(HostFactoryInstallation.IsRunning).Should().BeEmpty("no resident process is left");
        output.WriteLine($"took {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task GetRequestStatus_WhenACallWasKilledBeforeItAnswered_RecoversTheRequestNobodyAsksAbout()
    {
        // The example cloud (exec) sleeps before each instance it makes: a StepGate holds the call at the sleep after
        // the first of two, where it is killed with its process tree, so exactly one instance is made. Its calls may take
        // 10 s (python starts slowly on a busy machine), so the request is recovered some 11 s after it was saved.
        var cloud = Path.Combine(CliProcess.InstallationDirectory, "config", "examples", "exec_cloud.py");
        var provider = $$"""
            { "name": "cloud", "type": "exec", "timeoutSeconds": 10, "retries": 0,
              "settings": { "program": "python3", "arguments": [ {{JsonSerializer.Serialize(cloud)}} ], "listHeld": true } }
            """;
        const string Template = """
            { "templateId": "e2e-cloud", "maxNumber": 4, "providerName": "cloud",
              "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "2"], "nram": ["Numeric", "2048"] },
              "imageId": "img-1" }
            """;
        await using var hf = await HostFactoryInstallation.CreateAsync(
            [Template], extraProviders: provider, providerTimeoutSeconds: ProviderTimeoutSeconds, extraSettings: "\"application\": { \"interruptedCallGrace\": \"00:00:01\" }");
        var instances = Path.Combine(hf.WorkDirectory, "providers", "cloud", "cloud");
        int Made() => Directory.Exists(instances) ? Directory.GetFiles(instances, "i-*.json").Length : 0;

        using var gate = StepGate.Create(hf.Root, "sleep-2");
        var killed = await hf.RunScriptAsync(
            "requestMachines", """{"template": {"templateId": "e2e-cloud", "machineCount": 2}}""", killWhen: () => gate.Reached, environment: gate.Environment);
        gate.Release();
        killed.ExitCode.Should().Be(137, killed.ToString());
        Made().Should().Be(1, "the call was held after its first instance");
        var pending = (await ListAsync(hf, "requests", "--status", "pending")).Single();
        var id = pending.GetProperty("requestId").GetString()!;

        // Host Factory never got the id; it polls only other requests (here, one that does not exist).
        var deadline = DateTime.UtcNow + SettleLimit;
        while ((await ListAsync(hf, "requests", "--status", "pending")).Count > 0)
        {
            await hf.AnswerAsync("getRequestStatus", """{"requests": [{"requestId": "req-00000000-0000-4000-8000-000000000000"}]}""");
            DateTime.UtcNow.Should().BeBefore(deadline, "a status call recovers the pending request once its call cannot be running");
            await Task.Delay(300);
        }

        var recovered = (await ListAsync(hf, "requests")).Single(r => r.GetProperty("requestId").GetString() == id);
        recovered.GetProperty("message").GetString().Should().Be("Recovered 1 machine(s) made by an interrupted call. The provider made 1 of the 1 more needed.");
        recovered.GetProperty("machineIds").GetArrayLength().Should().Be(2);
        Made().Should().Be(2, "the instance the killed call made was adopted, not made again");
        var machines = (await ListAsync(hf, "machines", "--request", id)).Select(m => m.GetProperty("name").GetString()!).ToList();
        var returned = (await hf.AnswerAsync("requestReturnMachines", Return(machines))).GetProperty("requestId").GetString()!;
        await SettleAsync(hf, [returned]);
    }

    /// <summary>What the provider and the store say of machine processes no request holds, to tell how each leaked.</summary>
    private static string Describe(HostFactoryInstallation hf, IReadOnlyList<int> pids, IReadOnlyList<JsonElement> requests, IReadOnlyList<JsonElement> machines)
    {
        var folders = Directory.EnumerateFiles(Path.Combine(hf.WorkDirectory, "providers", "local", "machines"), "pid", SearchOption.AllDirectories)
            .ToDictionary(f => int.Parse(File.ReadAllText(f).Split(' ')[0], CultureInfo.InvariantCulture), Path.GetDirectoryName);
        return string.Join("; ", pids.Select(pid =>
        {
            var record = folders.TryGetValue(pid, out var folder) ? File.ReadAllText(Path.Combine(folder!, "machine.json")) : "no record";
            var key = JsonDocument.Parse(record == "no record" ? "{}" : record).RootElement.TryGetProperty("key", out var k) ? k.GetString()! : string.Empty;
            var request = requests.FirstOrDefault(r => key.StartsWith(r.GetProperty("requestId").GetString()!, StringComparison.Ordinal));
            var machine = machines.FirstOrDefault(m => m.GetProperty("providerData").TryGetProperty("pid", out var p) && p.GetString() == pid.ToString(CultureInfo.InvariantCulture));
            return $"process {pid}: {record}; request: {(request.ValueKind == JsonValueKind.Undefined ? "none" : request.ToString())}; machine: {(machine.ValueKind == JsonValueKind.Undefined ? "none" : machine.ToString())}";
        }));
    }

    private static string Acquire(int count) =>
        $"{{\"template\": {{\"templateId\": \"{TemplateId}\", \"machineCount\": {count.ToString(CultureInfo.InvariantCulture)}}}}}";

    private static string Return(IEnumerable<string> names) =>
        $"{{\"machines\": [{string.Join(", ", names.Select(n => $"{{\"name\": \"{n}\"}}"))}]}}";

    private static List<string> Take(Queue<string> names, int count)
    {
        var taken = new List<string>(count);
        while (taken.Count < count && names.TryDequeue(out var name))
        {
            taken.Add(name);
        }

        return taken;
    }

    /// <summary>Runs the calls, <see cref="Parallel"/> at a time, as Host Factory overlaps its calls.</summary>
    private static async Task<List<CliResult>> RunAsync<T>(IReadOnlyList<T> calls, Func<T, Task<CliResult>> run)
    {
        var results = new CliResult[calls.Count];
        using var slots = new SemaphoreSlim(Parallel);
        await Task.WhenAll(calls.Select(async (call, i) =>
        {
            await slots.WaitAsync();
            try
            {
                results[i] = await run(call);
            }
            finally
            {
                slots.Release();
            }
        }));
        return [.. results];
    }

    /// <summary>The request ids of the calls that answered (Host Factory knows only those).</summary>
    private static IEnumerable<string> Answered(IEnumerable<CliResult> results) =>
        results.Where(r => r.ExitCode == 0).Select(r => Json.Parse(r.StandardOutput).GetProperty("requestId").GetString()!);

    private static int Killed(IEnumerable<CliResult> results) => results.Count(r => r.ExitCode == 137);

    /// <summary>Polls getRequestStatus for the known requests until none runs and none in the store is pending.</summary>
    private async Task SettleAsync(HostFactoryInstallation hf, IReadOnlyList<string> known)
    {
        var deadline = DateTime.UtcNow + SettleLimit;
        var input = $"{{\"requests\": [{string.Join(", ", known.Select(id => $"{{\"requestId\": \"{id}\"}}"))}]}}";
        while (true)
        {
            var answer = await hf.AnswerAsync("getRequestStatus", input);
            var running = answer.GetProperty("requests").EnumerateArray().Count(r => r.GetProperty("status").GetString() == "running");
            var pending = (await ListAsync(hf, "requests", "--status", "pending")).Count;
            if (running == 0 && pending == 0)
            {
                return;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, $"the requests settle; {running} known requests still run and {pending} are pending");
            await Task.Delay(300);
        }
    }

    /// <summary>Every entry of <c>hostfactory requests|machines list</c>, as JSON.</summary>
    private static async Task<List<JsonElement>> ListAsync(HostFactoryInstallation hf, string noun, params string[] filters)
    {
        var listed = await hf.RunCliAsync([noun, "list", .. filters, "--limit", "1000", "--format", "json"]);
        listed.ExitCode.Should().Be(0, listed.ToString());
        return [.. Json.Parse(listed.StandardOutput).GetProperty("items").EnumerateArray()];
    }
}
