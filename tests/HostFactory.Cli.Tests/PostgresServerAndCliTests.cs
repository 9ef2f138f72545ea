using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using HostFactory.Cli.Tests.Support;
using HostFactory.Storage.Postgres.Testing;

namespace HostFactory.Cli.Tests;

/// <summary>
/// The REST server (a process of its own) and the Host Factory scripts on one PostgreSQL database: what one accepts,
/// the other sees, answers and returns, and both count against the same <c>maxNumber</c>.
/// </summary>
public sealed partial class PostgresServerAndCliTests
{
    [PostgresFact]
    public async Task ServerAndScripts_WhenSharingADatabase_SeeAndReturnEachOthersMachinesWithinOneLimit()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var installation = await PostgresInstallations.CreateAsync(database, [HostFactoryInstallation.Template("shared-vm", 2)]);
        await using var server = await ServerProcess.StartAsync(installation.Environment);
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };

        var byScript = (await installation.AnswerAsync("requestMachines", """{"template": {"templateId": "shared-vm", "machineCount": 1}}""")).GetProperty("requestId").GetString()!;
        var overLimit = await client.PostAsJsonAsync("/api/v1/requests", new { templateId = "shared-vm", machineCount = 2 });
        var byServer = await client.PostAsJsonAsync("/api/v1/requests", new { templateId = "shared-vm", machineCount = 1 });
        var refusedScript = await installation.RunScriptAsync("requestMachines", """{"template": {"templateId": "shared-vm", "machineCount": 1}}""");

        ((int)overLimit.StatusCode).Should().Be(409, await overLimit.Content.ReadAsStringAsync());
        ((int)byServer.StatusCode).Should().Be(201, await byServer.Content.ReadAsStringAsync());
        refusedScript.ExitCode.Should().Be(3, refusedScript.ToString());
        var serverRequest = (await byServer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;

        // Each side answers the other's request.
        var seenByScript = await installation.WaitForRequestAsync(serverRequest, TimeSpan.FromSeconds(60));
        var seenByServer = await WaitAsync(client, byScript);
        seenByScript.GetProperty("status").GetString().Should().Be("complete");
        seenByServer.GetProperty("status").GetString().Should().Be("complete");
        var scriptMachine = seenByServer.GetProperty("machines")[0];
        var serverMachine = seenByScript.GetProperty("machines")[0];

        // Each side returns the other's machine.
        var returnByServer = await client.PostAsJsonAsync("/api/v1/returns", new { machines = new[] { new { name = scriptMachine.GetProperty("name").GetString() } } });
        ((int)returnByServer.StatusCode).Should().Be(201, await returnByServer.Content.ReadAsStringAsync());
        var serverReturn = (await returnByServer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        var scriptReturn = (await installation.AnswerAsync("requestReturnMachines", $$"""{"machines": [{"name": "{{serverMachine.GetProperty("name").GetString()}}"}]}""")).GetProperty("requestId").GetString()!;

        (await installation.WaitForRequestAsync(serverReturn, TimeSpan.FromSeconds(60))).GetProperty("status").GetString().Should().Be("complete");
        (await WaitAsync(client, scriptReturn)).GetProperty("status").GetString().Should().Be("complete");
        var machines = await client.GetFromJsonAsync<JsonElement>("/api/v1/machines?templateId=shared-vm");
        machines.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("status").GetString()).Should().Equal("terminated", "terminated");
        installation.LiveMachineProcesses().Should().BeEmpty();
    }

    private static async Task<JsonElement> WaitAsync(HttpClient client, string requestId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var entry = await client.GetFromJsonAsync<JsonElement>($"/api/v1/requests/{requestId}");
            if (entry.GetProperty("status").GetString() != "running")
            {
                return entry;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, $"request {requestId} should finish; last answer: {entry}");
            await Task.Delay(200);
        }
    }

    [GeneratedRegex(@"(?:Now listening on: |listening on )(http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();

    /// <summary><c>dotnet server/HostFactory.Server.dll</c> on a free loopback port; stopped with SIGTERM on dispose.</summary>
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process _process;

        private ServerProcess(Process process, Uri address)
        {
            _process = process;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> environment)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "server", "HostFactory.Server.dll"));
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add("http://127.0.0.1:0");
            start.Environment.Remove("HF_SERVER_TOKEN");
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            var process = Process.Start(start)!;
            var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    log.Enqueue(line);
                    if (ListeningOn().Match(line) is { Success: true } match)
                    {
                        address.TrySetResult(new Uri(match.Groups[1].Value));
                    }
                }
            };
            process.ErrorDataReceived += (_, e) => log.Enqueue(e.Data ?? string.Empty);
            process.Exited += (_, _) => address.TrySetException(new InvalidOperationException($"The server exited ({process.ExitCode}): {string.Join("\n", log)}"));
            process.EnableRaisingEvents = true;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                return new ServerProcess(process, await address.Task.WaitAsync(TimeSpan.FromSeconds(60)));
            }
            catch
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                // SIGTERM: the server stops its reconciler and its requests in progress, then exits.
                Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await _process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }

            _process.Dispose();
        }
    }
}
