using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using HostFactory.Cli.Tests.Support;

namespace HostFactory.Cli.Tests;

/// <summary>
/// The resident process: the first protocol call runs in its own process and starts one; the calls after it are handed
/// over and answered exactly as a process of their own would answer them. Real processes, real Unix sockets.
/// </summary>
public sealed class ResidentProcessTests
{
    private const string Templates = "{}";
    private const string UnknownStatus = """{"requests": [{"requestId": "req-00000000-0000-4000-8000-000000000000"}]}""";

    [Fact]
    public async Task ProtocolCall_WhenNoResidentProcessRuns_AnswersItselfStartsOneAndLaterCallsAreServedByIt()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);

        var first = await hf.RunScriptAsync("getAvailableTemplates", Templates);
        first.ExitCode.Should().Be(0, first.ToString());
        hf.ProcessesStartedByCalls().Should().NotBeEmpty("the call forked the resident process before it ended");
        var resident = await hf.WaitForResidentAsync();

        var served = await hf.RunScriptAsync("getAvailableTemplates", Templates);
        served.ExitCode.Should().Be(0, served.ToString());
        served.StandardOutput.Should().Be(first.StandardOutput, "the resident process answers as the call's own process did");
        served.StandardError.Should().BeEmpty();
        (await File.ReadAllTextAsync(hf.LogFile)).Should().Contain($"Resident process {resident} served getAvailableTemplates (exit code 0)");
    }

    [Theory]
    [InlineData("getRequestStatus", "{\"requests\": [}")]
    [InlineData("requestMachines", "{\"template\": {\"templateId\": \"no-such-template\", \"machineCount\": 1}}")]
    [InlineData("requestMachines", "{\"template\": {\"templateId\": \"e2e-vm\", \"machineCount\": 0}}")]
    [InlineData("requestMachines", "{\"template\": {\"templateId\": \"e2e-vm\", \"machineCount\": 9}}")]
    [InlineData("requestReturnMachines", "{\"machines\": [{\"machineId\": \"m-1\"}]}")]
    [InlineData("getReturnRequests", "[]")]
    public async Task BadInput_WhenServedByTheResidentProcess_GetsTheAnswerExitCodeAndReasonOfAProcessOfItsOwn(string verb, string input)
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);
        await hf.AnswerAsync("getAvailableTemplates", Templates);
        var resident = await hf.WaitForResidentAsync();
        var before = hf.StoreSnapshot();

        var file = Path.Combine(hf.Root, "bad-input.json");
        await File.WriteAllTextAsync(file, input);
        var script = Path.Combine(hf.ScriptsDirectory, $"{verb}.sh");
        var served = await CliProcess.StartAsync(script, ["-f", file], hf.Environment, standardInput: null);
        var alone = await CliProcess.StartAsync(script, ["-f", file], new Dictionary<string, string?>(hf.Environment) { ["HOSTFACTORY_RESIDENT"] = "0" }, standardInput: null);

        served.ExitCode.Should().NotBe(0).And.Be(alone.ExitCode, served.ToString());
        served.StandardOutput.Should().Be(alone.StandardOutput);
        served.StandardError.Should().Be(alone.StandardError);
        hf.StoreSnapshot().Should().Equal(before, "bad input changes nothing");
        (await File.ReadAllTextAsync(hf.LogFile)).Should().Contain($"Resident process {resident} served {verb} (exit code {served.ExitCode})");
    }

    [Fact]
    public async Task ProtocolCall_WhenInputComesOnStdin_IsHandedOverWhole()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);
        await hf.AnswerAsync("getAvailableTemplates", Templates);
        var resident = await hf.WaitForResidentAsync();

        var served = await CliProcess.RunWithInputAsync(hf.Environment, Encoding.UTF8.GetBytes(UnknownStatus), "getRequestStatus");

        served.ExitCode.Should().Be(0, served.ToString());
        Json.Parse(served.StandardOutput).GetProperty("requests")[0].GetProperty("status").GetString().Should().Be("complete_with_error");
        (await File.ReadAllTextAsync(hf.LogFile)).Should().Contain($"Resident process {resident} served getRequestStatus");
    }

    [Fact]
    public async Task ResidentProcess_WhenIdleLongerThanItsTimeout_EndsAndRemovesItsSocket()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true, residentSettings: "\"idleSeconds\": 2");
        await hf.AnswerAsync("getAvailableTemplates", Templates);
        var resident = await hf.WaitForResidentAsync();

        await Eventually.UntilAsync(() => !HostFactoryInstallation.IsRunning(resident), "the idle resident process ends");
        hf.ResidentSockets().Should().BeEmpty();
        (await File.ReadAllTextAsync(hf.LogFile)).Should().Contain($"Resident process {resident} stopped (idle)");
    }

    [Fact]
    public async Task ResidentProcess_WhenItsSocketIsRemoved_Ends()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);
        await hf.AnswerAsync("getAvailableTemplates", Templates);
        var resident = await hf.WaitForResidentAsync();

        File.Delete(hf.ResidentSockets().Single());

        await Eventually.UntilAsync(() => !HostFactoryInstallation.IsRunning(resident), "a resident process whose socket is gone ends");
        (await File.ReadAllTextAsync(hf.LogFile)).Should().Contain($"Resident process {resident} stopped (its socket was removed)");
    }

    [Fact]
    public async Task ResidentProcess_WhenSentSigterm_EndsAndRemovesItsSocket()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);
        await hf.AnswerAsync("getAvailableTemplates", Templates);
        var resident = await hf.WaitForResidentAsync();

        using (var kill = Process.Start("kill", ["-TERM", resident.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await Eventually.UntilAsync(() => !HostFactoryInstallation.IsRunning(resident), "SIGTERM ends the resident process");
        hf.ResidentSockets().Should().BeEmpty();
        (await File.ReadAllTextAsync(hf.LogFile)).Should().Contain($"Resident process {resident} stopped (SIGTERM)");
    }

    [Fact]
    public async Task ProtocolCall_WhenTheResidentProcessWasKilled_AnswersItselfAndStartsAnotherOne()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);
        var first = await hf.RunScriptAsync("getAvailableTemplates", Templates);
        var resident = await hf.WaitForResidentAsync();
        using (var process = Process.GetProcessById(resident))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        hf.ResidentSockets().Should().ContainSingle("SIGKILL leaves the socket file behind");
        var after = await hf.RunScriptAsync("getAvailableTemplates", Templates);

        after.ExitCode.Should().Be(0, after.ToString());
        after.StandardOutput.Should().Be(first.StandardOutput);
        var next = await hf.WaitForResidentAsync();
        next.Should().NotBe(resident);
    }

    [Fact]
    public async Task ProtocolCall_WhenTheConfigurationChanged_IsServedByANewResidentProcessThatSeesTheChange()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);
        await hf.AnswerAsync("getAvailableTemplates", Templates);
        var old = await hf.WaitForResidentAsync();
        await hf.AnswerAsync("getAvailableTemplates", Templates);

        await hf.WriteTemplatesAsync([HostFactoryInstallation.Template("e2e-new", 3)]);
        var changed = await hf.AnswerAsync("getAvailableTemplates", Templates);

        changed.GetProperty("templates").EnumerateArray().Select(t => t.GetProperty("templateId").GetString()).Should().Equal("e2e-new");
        // Each configuration has its own endpoint (the old process ends when idle); a process writes its pid file just
        // before it binds its socket.
        await Eventually.UntilAsync(
            () => hf.LiveResidentProcesses().Any(pid => pid != old) && hf.ResidentSockets().Length == 2,
            "the new configuration gets a resident process and socket of its own");
    }

    [Fact]
    public async Task RequestMachines_WhenTheResidentProcessDiesDuringIt_IsNotRunAgainAndSaysTheOutcomeIsUnknown()
    {
        // A provider that takes its time, so the resident process can be killed while it is inside the call.
        const string slow = """{ "name": "slow", "type": "exec", "timeoutSeconds": 60, "retries": 0, "settings": { "program": "/bin/sh", "arguments": ["-c", "sleep 5"] } }""";
        var templates = HostFactoryInstallation.StandardTemplates.Append(HostFactoryInstallation.ProviderTemplate("e2e-slow", 4, "slow"));
        await using var hf = await HostFactoryInstallation.CreateAsync(templates, resident: true, extraProviders: slow);
        await hf.AnswerAsync("getAvailableTemplates", Templates);
        var resident = await hf.WaitForResidentAsync();

        var call = hf.RunScriptAsync("requestMachines", """{"template": {"templateId": "e2e-slow", "machineCount": 1}}""");
        var requests = Path.Combine(hf.WorkDirectory, "data", "requests");
        await Eventually.UntilAsync(() => Directory.Exists(requests) && Directory.EnumerateFiles(requests, "req-*.json").Any(), "the request is saved before the provider is asked");
        using (var process = Process.GetProcessById(resident))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        var result = await call;

        result.ExitCode.Should().Be(1, result.ToString());
        Json.Parse(result.StandardOutput).GetProperty("message").GetString().Should()
            .Contain("ended during this requestMachines; whether it took effect is unknown");
        Directory.EnumerateFiles(requests, "req-*.json").Should().ContainSingle("the call is not run a second time");
    }

    [Fact]
    public async Task ResidentSetting_WhenDisabled_EveryCallRunsInItsOwnProcess()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true, residentSettings: "\"enabled\": false");

        for (var i = 0; i < 3; i++)
        {
            await hf.AnswerAsync("getAvailableTemplates", Templates);
        }

        // A call that started a resident process forks it before it ends: it would be here, with the installation's variables.
        hf.ProcessesStartedByCalls().Should().BeEmpty("no call started a resident process");
        hf.LiveResidentProcesses().Should().BeEmpty();
        (await File.ReadAllTextAsync(hf.LogFile)).Should().NotContain("Resident process");
    }

    [Fact]
    public async Task ResidentSetting_WhenIdleSecondsIsNotANumber_TheCallFailsNamingTheSetting()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true, residentSettings: "\"idleSeconds\": \"soon\"");

        var result = await hf.RunScriptAsync("getAvailableTemplates", Templates);

        result.ExitCode.Should().Be(5, result.ToString());
        Json.Parse(result.StandardOutput).GetProperty("message").GetString().Should().Contain("hostFactory:resident:idleSeconds").And.Contain("'soon'");
        hf.LiveResidentProcesses().Should().BeEmpty();
    }

    [Fact]
    public async Task ResidentVerb_WhenOneAlreadyServesTheEndpoint_EndsAtOnce()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);
        await hf.AnswerAsync("getAvailableTemplates", Templates);
        var resident = await hf.WaitForResidentAsync();

        var second = await hf.RunCliAsync("resident", "serve");

        second.ExitCode.Should().Be(0, second.ToString());
        hf.LiveResidentProcesses().Should().Equal(resident);
    }

    [Fact]
    public async Task ResidentVerb_WhenTheWorkDirectoryIsGone_EndsAtOnceWithoutCreatingIt()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);
        Directory.Exists(hf.WorkDirectory).Should().BeFalse("no call has run yet");

        var late = await hf.RunCliAsync("resident", "serve");

        late.ExitCode.Should().Be(0, late.ToString());
        Directory.Exists(hf.WorkDirectory).Should().BeFalse();
        hf.LiveResidentProcesses().Should().BeEmpty();
    }

    [Fact]
    public async Task ResidentProcess_WhenSentSomethingThatIsNotACall_DropsItAndKeepsServing()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);
        await hf.AnswerAsync("getAvailableTemplates", Templates);
        var resident = await hf.WaitForResidentAsync();

        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(hf.ResidentSockets().Single()));
            await socket.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
            var reply = new byte[16];
            int received;
            try
            {
                received = await socket.ReceiveAsync(reply);
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
            {
                // Closed with the bytes it did not read still queued: Linux resets the connection.
                received = 0;
            }

            received.Should().Be(0, "the connection is closed without an answer");
        }

        var served = await hf.RunScriptAsync("getRequestStatus", UnknownStatus);
        served.ExitCode.Should().Be(0, served.ToString());
        var log = await File.ReadAllTextAsync(hf.LogFile);
        log.Should().Contain("Resident process dropped a connection: not a hostfactory resident call.");
        log.Should().Contain($"Resident process {resident} served getRequestStatus");
    }
}
