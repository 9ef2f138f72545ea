using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using HostFactory.Cli.Tests.Support;

namespace HostFactory.Cli.Tests;

/// <summary>
/// Host Factory overlaps its calls: several processes poll status while others request and return. Every answer must
/// be whole and to the letter, the store must end consistent, and the shared log file must keep every record intact.
/// </summary>
public partial class ConcurrentInvocationTests : IAsyncLifetime
{
    private const int Requesters = 3;
    private const int Pollers = 3;
    private const int PollRounds = 4;

    private readonly ConcurrentBag<(string Verb, CliResult Result)> _calls = [];
    private HostFactoryInstallation _hf = null!;

    /// <summary>True to let a resident process serve the calls (see <c>ResidentProcessTests</c>).</summary>
    protected virtual bool Resident => false;

    public async Task InitializeAsync() => _hf = await HostFactoryInstallation.CreateAsync(resident: Resident);

    public async Task DisposeAsync() => await _hf.DisposeAsync();

    [Fact]
    public async Task Scripts_WhenPollersOverlapRequestsAndReturns_EveryAnswerIsWholeAndTheStoreEndsConsistent()
    {
        await CallAsync("getAvailableTemplates", "{}");
        var known = new ConcurrentBag<string>();

        var requesters = Enumerable.Range(0, Requesters).Select(_ => Task.Run(async () =>
        {
            var accepted = await CallAsync("requestMachines", """{"template": {"templateId": "e2e-vm", "machineCount": 1}}""");
            var acquireId = accepted.GetProperty("requestId").GetString()!;
            known.Add(acquireId);
            var acquired = await PollUntilFinishedAsync(acquireId);
            acquired.GetProperty("status").GetString().Should().Be("complete", acquired.ToString());
            var name = acquired.GetProperty("machines")[0].GetProperty("name").GetString();

            var returned = await CallAsync("requestReturnMachines", $$"""{"machines": [{"name": "{{name}}"}]}""");
            var returnId = returned.GetProperty("requestId").GetString()!;
            known.Add(returnId);
            var released = await PollUntilFinishedAsync(returnId);
            released.GetProperty("status").GetString().Should().Be("complete", released.ToString());
            return (acquireId, returnId);
        })).ToList();

        var pollers = Enumerable.Range(0, Pollers).Select(_ => Task.Run(async () =>
        {
            for (var round = 0; round < PollRounds; round++)
            {
                var ids = known.ToArray();
                if (ids.Length > 0)
                {
                    var input = $"{{\"requests\": [{string.Join(", ", ids.Select(id => $"{{\"requestId\": \"{id}\"}}"))}]}}";
                    var answer = await CallAsync("getRequestStatus", input);
                    answer.GetProperty("requests").GetArrayLength().Should().Be(ids.Distinct().Count());
                }

                await CallAsync("getReturnRequests", "{\"machines\": []}");
                await CallAsync("getAvailableTemplates", "{}");
            }
        })).ToList();

        await Task.WhenAll(pollers.Concat<Task>(requesters));

        // Every answer was one whole document, to the letter, and every call succeeded.
        _calls.Should().OnlyContain(c => c.Result.ExitCode == 0 && c.Result.StandardError.Length == 0);
        foreach (var (verb, result) in _calls)
        {
            var answer = Json.Parse(result.StandardOutput);
            var problems = verb switch
            {
                "getAvailableTemplates" => ProtocolShape.Templates(answer),
                "requestMachines" => ProtocolShape.RequestAccepted(answer, "req-"),
                "requestReturnMachines" => ProtocolShape.RequestAccepted(answer, "ret-"),
                "getRequestStatus" => ProtocolShape.RequestStatus(answer),
                _ => ProtocolShape.ReturnRequests(answer),
            };
            problems.Should().BeEmpty($"{verb} answered {result.StandardOutput}");
        }

        // The store ends consistent: every machine made was terminated by its return, nothing leaked, capacity restored.
        var pairs = requesters.Select(r => r.Result).ToList();
        var final = await _hf.AnswerAsync("getRequestStatus",
            $"{{\"requests\": [{string.Join(", ", pairs.SelectMany(p => new[] { p.acquireId, p.returnId }).Select(id => $"{{\"requestId\": \"{id}\"}}"))}]}}");
        final.GetProperty("requests").EnumerateArray().Should().HaveCount(2 * Requesters).And.OnlyContain(r => r.GetProperty("status").GetString() == "complete");
        var machines = await _hf.RunCliAsync("machines", "list", "--format", "json");
        machines.ExitCode.Should().Be(0, machines.ToString());
        var listed = Json.Parse(machines.StandardOutput).GetProperty("items").EnumerateArray().ToList();
        listed.Should().HaveCount(Requesters).And.OnlyContain(m => m.GetProperty("status").GetString() == "terminated");
        listed.Select(m => m.GetProperty("name").GetString()).Should().OnlyHaveUniqueItems();
        _hf.LiveMachineProcesses().Should().BeEmpty();
        var templates = await _hf.AnswerAsync("getAvailableTemplates", "{}");
        templates.GetProperty("templates").EnumerateArray().Single(t => t.GetProperty("templateId").GetString() == "e2e-vm")
            .GetProperty("availableNumber").GetInt32().Should().Be(8);

        // The log file, appended by every process at once, holds each call's record on a line of its own.
        var lines = await File.ReadAllLinesAsync(_hf.LogFile);
        lines.Where(l => l.Length > 0).Should().OnlyContain(l => RecordStart().IsMatch(l) || l.StartsWith("    ", StringComparison.Ordinal));
        lines.Count(l => l.Contains(" answered in ", StringComparison.Ordinal)).Should().Be(_calls.Count + 3);
    }

    [Fact]
    public async Task Scripts_WhenRequestsForOneTemplateOverlap_AcceptOnlyWhatItsMaxNumberAllows()
    {
        const int Overlapping = 6;

        var results = await Task.WhenAll(Enumerable.Range(0, Overlapping).Select(_ => Task.Run(() =>
            _hf.RunScriptAsync("requestMachines", """{"template": {"templateId": "e2e-small", "machineCount": 1}}"""))));

        // e2e-small allows 2 machines: whatever the timing, two requests get in and every other one is told why not.
        var all = string.Join(Environment.NewLine, results.Select(r => r.ToString()));
        var accepted = results.Where(r => r.ExitCode == 0).ToList();
        accepted.Should().HaveCount(2, all);
        results.Where(r => r.ExitCode != 0).Should().HaveCount(Overlapping - 2).And.OnlyContain(
            r => r.ExitCode == 3 && r.ToString().Contains("Template 'e2e-small' allows 2 machine(s)", StringComparison.Ordinal), all);
        foreach (var answer in accepted)
        {
            var requestId = Json.Parse(answer.StandardOutput).GetProperty("requestId").GetString()!;
            (await PollUntilFinishedAsync(requestId)).GetProperty("status").GetString().Should().Be("complete");
        }

        var machines = await _hf.RunCliAsync("machines", "list", "--format", "json");
        machines.ExitCode.Should().Be(0, machines.ToString());
        Json.Parse(machines.StandardOutput).GetProperty("items").EnumerateArray()
            .Where(m => m.GetProperty("status").GetString() != "terminated").Should().HaveCount(2);
        _hf.LiveMachineProcesses().Should().HaveCount(2);
    }

    private async Task<JsonElement> PollUntilFinishedAsync(string requestId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var answer = await CallAsync("getRequestStatus", $$"""{"requests": [{"requestId": "{{requestId}}"}]}""");
            var entry = answer.GetProperty("requests")[0];
            if (entry.GetProperty("status").GetString() != "running" || DateTime.UtcNow > deadline)
            {
                return entry;
            }

            await Task.Delay(100);
        }
    }

    private async Task<JsonElement> CallAsync(string verb, string input)
    {
        var result = await _hf.RunScriptAsync(verb, input);
        _calls.Add((verb, result));
        result.ExitCode.Should().Be(0, $"{verb} {input}: {result}");
        return Json.Parse(result.StandardOutput);
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[\d+\] (TRACE|DEBUG|INFO |WARN |ERROR|CRIT ) ")]
    private static partial Regex RecordStart();
}

/// <summary>The same overlap with a resident process serving the calls concurrently once the first call has started it.</summary>
public sealed class ConcurrentInvocationThroughResidentTests : ConcurrentInvocationTests
{
    protected override bool Resident => true;
}
