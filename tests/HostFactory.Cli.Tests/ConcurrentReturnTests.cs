using System.Text.Json;
using HostFactory.Cli.Tests.Support;
using HostFactory.Storage.Json;

namespace HostFactory.Cli.Tests;

/// <summary>
/// Two Host Factory calls returning the same machine at the same moment, each its own OS process over the same JSON
/// store: both read the machine before either claims it, so one claim meets the other's save ("another process
/// already claimed it"). The machine must be released exactly once (the static-pool provider's release command
/// counts every release in a file) and both answers must say what really happened.
/// </summary>
public sealed class ConcurrentReturnTests : IAsyncLifetime
{
    private const string Host = "pool-1.example";
    private const int Rounds = 3;
    private static readonly TimeSpan LineUpDeadline = TimeSpan.FromSeconds(20);

    private HostFactoryInstallation _hf = null!;

    /// <summary>One line per release the provider carried out (its release command writes it).</summary>
    private string ReleaseLog => Path.Combine(_hf.WorkDirectory, "releases.log");

    public async Task InitializeAsync() =>
        _hf = await HostFactoryInstallation.CreateAsync(
            templates:
            [
                """
                { "templateId": "pool-vm", "maxNumber": 1, "providerName": "pool",
                  "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "2"], "nram": ["Numeric", "2048"] } }
                """,
            ],
            extraProviders: """
                { "name": "pool", "type": "static-pool", "retries": 0,
                  "settings": { "hosts": [ { "name": "pool-1.example", "ipAddress": "10.0.0.21" } ],
                                "releaseCommand": [ "/bin/sh", "-c", "echo {host} >> \"$HF_PROVIDER_WORKDIR/releases.log\"" ] } }
                """,
            // The processes wait on the machine's lock while the test holds it: far longer than the default 10 s is allowed.
            extraSettings: """ "storage": { "lockTimeout": "00:02:00" } """);

    public async Task DisposeAsync() => await _hf.DisposeAsync();

    [Fact]
    public async Task RequestReturnMachines_WhenTwoProcessesReturnTheSameMachineAtOnce_ReleasesItOnceAndBothAnswersAreTruthful()
    {
        var linedUp = 0;
        for (var round = 1; round <= Rounds && linedUp == 0; round++)
        {
            var machineId = await AcquireAsync();
            var (first, second, bothReadIt) = await ReturnTwiceAtOnceAsync(machineId);

            File.ReadAllLines(ReleaseLog).Should().HaveCount(round, $"round {round}: the machine is released exactly once");
            var answers = new[] { first, second };
            var winner = answers.Should().ContainSingle(a => a.Message == "Return of 1 machine(s) started.", $"round {round}: one call returns it").Subject;
            var loser = answers.Single(a => a != winner);
            if (bothReadIt)
            {
                // The loser read the machine as returnable, so only its claim could stop it: the claim met the winner's save.
                loser.Message.Should().Be($"No active machine. Already returning or terminated: {Host}.");
                linedUp++;
            }

            foreach (var answer in answers)
            {
                var status = await _hf.WaitForRequestAsync(answer.RequestId);
                status.GetProperty("status").GetString().Should().Be("complete", status.ToString());
                status.GetProperty("machines").EnumerateArray().Should().OnlyContain(
                    m => m.GetProperty("result").GetString() == "succeed" && m.GetProperty("status").GetString() == "terminated",
                    "the machine did end terminated, whichever call released it");
            }
        }

        linedUp.Should().Be(1, $"within {Rounds} rounds both processes read the machine before either claimed it");
    }

    /// <summary>Requests the pool's one host and waits until it is running; returns its machine id.</summary>
    private async Task<string> AcquireAsync()
    {
        var accepted = await _hf.AnswerAsync("requestMachines", """{"template": {"templateId": "pool-vm", "machineCount": 1}}""");
        var acquired = await _hf.WaitForRequestAsync(accepted.GetProperty("requestId").GetString()!);
        acquired.GetProperty("status").GetString().Should().Be("complete", acquired.ToString());
        return acquired.GetProperty("machines")[0].GetProperty("machineId").GetString()!;
    }

    /// <summary>
    /// Starts two <c>requestReturnMachines</c> processes for the host while this test holds the machine's storage
    /// lock, so each reads the machine and saves its return request and then waits to claim it; once both return
    /// requests exist (the handshake), the lock is let go and the two claims race. A return request whose own lock
    /// happens to be the machine's waits before it is saved: then after <see cref="LineUpDeadline"/> the lock is let go
    /// anyway and the round does not count as lined up.
    /// </summary>
    private async Task<(ReturnAnswer First, ReturnAnswer Second, bool BothReadIt)> ReturnTwiceAtOnceAsync(string machineId)
    {
        var requests = Path.Combine(_hf.WorkDirectory, "data", "requests");
        var before = ReturnRequests(requests);
        var input = $$"""{"machines": [{"name": "{{Host}}"}]}""";
        Task<CliResult> first, second;
        using (StripeLocks.TryOpen(Path.Combine(_hf.WorkDirectory, "data", "locks", $"{StripeLocks.StripeOf("machine", machineId):x2}.lock"))
            ?? throw new InvalidOperationException("The machine's lock is held by a process of the earlier round."))
        {
            first = _hf.RunScriptAsync("requestReturnMachines", input);
            second = _hf.RunScriptAsync("requestReturnMachines", input);
            var deadline = DateTime.UtcNow + LineUpDeadline;
            while (ReturnRequests(requests).Except(before).Count() < 2 && DateTime.UtcNow < deadline && !first.IsCompleted && !second.IsCompleted)
            {
                await Task.Delay(20);
            }
        }

        var answers = new List<ReturnAnswer>();
        foreach (var call in new[] { await first, await second })
        {
            call.ExitCode.Should().Be(0, call.ToString());
            var answer = Json.Parse(call.StandardOutput);
            answers.Add(new ReturnAnswer(answer.GetProperty("requestId").GetString()!, answer.GetProperty("message").GetString()!));
        }

        // Each return request lists the machines it found returnable when it read them.
        var bothReadIt = answers.TrueForAll(a => MachineIdsOf(Path.Combine(requests, $"{a.RequestId}.json")).Contains(machineId));
        return (answers[0], answers[1], bothReadIt);
    }

    private static string[] ReturnRequests(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, "ret-*.json") : [];

    private static List<string> MachineIdsOf(string requestFile)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(requestFile));
        return document.RootElement.GetProperty("machineIds").EnumerateArray().Select(id => id.GetString()!).ToList();
    }

    private sealed record ReturnAnswer(string RequestId, string Message);
}
