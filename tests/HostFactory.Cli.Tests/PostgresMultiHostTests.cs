using System.Globalization;
using System.Text.Json;
using HostFactory.Cli.Tests.Support;
using HostFactory.Storage.Postgres.Testing;
using Xunit.Abstractions;

namespace HostFactory.Cli.Tests;

/// <summary>
/// Two Host Factory hosts (separate installations: their own work, log and script directories) on one PostgreSQL
/// database, driven through the installed scripts at the same time, as a master and its failover candidate would be
/// during a hand-over: requests accepted on one are answered and returned on the other, never over the limit, never
/// twice.
/// </summary>
public sealed class PostgresMultiHostTests(ITestOutputHelper output)
{
    private const int MaxNumber = 5;

    [PostgresFact]
    public async Task Hosts_WhenRequestingPollingAndReturningAtOnce_ShareOneStateWithoutLostUpdatesOrDuplicates()
    {
        await using var database = await TestDatabase.CreateAsync();
        string[] templates = [HostFactoryInstallation.Template("mh-vm", MaxNumber)];
        await using var a = await PostgresInstallations.CreateAsync(database, templates);
        await using var b = await PostgresInstallations.CreateAsync(database, templates);
        var hosts = new[] { a, b };
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);

        // Ten overlapping requestMachines, alternating hosts, asking for 1 or 2 machines: 15 in all for a limit of 5.
        var asks = Enumerable.Range(0, 10).Select(i => (Host: hosts[i % 2], Count: 1 + random.Next(2))).ToList();
        var answers = await Task.WhenAll(asks.Select(ask => ask.Host.RunScriptAsync(
            "requestMachines", $$$"""{"template": {"templateId": "mh-vm", "machineCount": {{{ask.Count.ToString(CultureInfo.InvariantCulture)}}}}}""")));
        var accepted = new List<(string RequestId, int Count)>();
        for (var i = 0; i < answers.Length; i++)
        {
            answers[i].ExitCode.Should().BeOneOf([0, 3], answers[i].ToString());
            if (answers[i].ExitCode == 0)
            {
                accepted.Add((Json.Parse(answers[i].StandardOutput).GetProperty("requestId").GetString()!, asks[i].Count));
            }
        }

        output.WriteLine($"asked {string.Join(",", asks.Select(x => x.Count))}; accepted {accepted.Count} requests for {accepted.Sum(x => x.Count)} machines");
        accepted.Sum(x => x.Count).Should().BeInRange(MaxNumber - 1, MaxNumber, "overlapping calls from both hosts never exceed maxNumber, and a refusal means no room was left");

        // Each request is polled on both hosts, at the same time, until it is complete.
        var entries = await Task.WhenAll(accepted.Select((x, i) => WaitAsync(hosts[i % 2], hosts[(i + 1) % 2], x.RequestId)));
        var machines = new List<(string MachineId, string Name)>();
        for (var i = 0; i < accepted.Count; i++)
        {
            entries[i].GetProperty("status").GetString().Should().Be("complete", entries[i].ToString());
            var made = entries[i].GetProperty("machines").EnumerateArray().ToList();
            made.Should().HaveCount(accepted[i].Count, entries[i].ToString());
            machines.AddRange(made.Select(m => (m.GetProperty("machineId").GetString()!, m.GetProperty("name").GetString()!)));
        }

        machines.Select(m => m.MachineId).Should().OnlyHaveUniqueItems();
        (await database.ScalarAsync("SELECT count(*) FROM hostfactory.machines")).Should().Be((long)machines.Count, "no machine recorded twice or lost");

        // Every machine returned through one host or the other, the first one through both at once.
        var returns = machines.Select((m, i) => hosts[i % 2].RunScriptAsync("requestReturnMachines", Return(m))).ToList();
        returns.Add(hosts[1].RunScriptAsync("requestReturnMachines", Return(machines[0])));
        var returnIds = new List<string>();
        foreach (var answer in await Task.WhenAll(returns))
        {
            answer.ExitCode.Should().Be(0, answer.ToString());
            returnIds.Add(Json.Parse(answer.StandardOutput).GetProperty("requestId").GetString()!);
        }

        var done = await Task.WhenAll(returnIds.Select((id, i) => WaitAsync(hosts[i % 2], hosts[(i + 1) % 2], id)));
        var listed = done.SelectMany(e => e.GetProperty("machines").EnumerateArray().Select(m => m.GetProperty("machineId").GetString()!)).Distinct();
        listed.Should().BeEquivalentTo(machines.Select(m => m.MachineId));
        done.Should().OnlyContain(e => e.GetProperty("status").GetString() == "complete");

        // The machine returned twice at once was claimed by one of its two return requests only.
        var claimedBy = (string?)await database.ScalarAsync($"SELECT return_request_id FROM hostfactory.machines WHERE id = '{machines[0].MachineId}'");
        claimedBy.Should().BeOneOf(returnIds[0], returnIds[^1]);
        (await database.ScalarAsync($"SELECT count(DISTINCT return_request_id) FROM hostfactory.machines WHERE return_request_id IN ('{string.Join("','", returnIds)}')"))
            .Should().Be((long)machines.Count, "every machine was claimed by a return request of its own");

        (await database.ScalarAsync("SELECT count(*) FROM hostfactory.machines WHERE status <> 'terminated' OR return_request_id IS NULL"))
            .Should().Be(0L, "every machine returned ends terminated, with its return request recorded");
        (await database.ScalarAsync($"SELECT count(*) FROM hostfactory.requests WHERE kind = 'acquire'")).Should().Be((long)accepted.Count, "refused requests are not stored");
        a.LiveMachineProcesses().Concat(b.LiveMachineProcesses()).Should().BeEmpty();
    }

    private static string Return((string MachineId, string Name) machine) =>
        $$"""{"machines": [{"name": "{{machine.Name}}", "machineId": "{{machine.MachineId}}"}]}""";

    /// <summary>Polls <c>getRequestStatus</c> on both hosts in turn until the request is not running; returns its entry.</summary>
    private static async Task<JsonElement> WaitAsync(HostFactoryInstallation first, HostFactoryInstallation second, string requestId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        for (var turn = 0; ; turn++)
        {
            var answer = await (turn % 2 == 0 ? first : second).AnswerAsync("getRequestStatus", $$"""{"requests": [{"requestId": "{{requestId}}"}]}""");
            var entry = answer.GetProperty("requests")[0];
            if (entry.GetProperty("status").GetString() != "running")
            {
                return entry;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, $"request {requestId} should finish; last answer: {entry}");
            await Task.Delay(200);
        }
    }
}
