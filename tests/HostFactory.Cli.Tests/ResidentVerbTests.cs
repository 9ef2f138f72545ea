using HostFactory.Cli.Tests.Support;

namespace HostFactory.Cli.Tests;

/// <summary>
/// <c>hostfactory resident status|stop</c> against real resident processes, started as Host Factory starts them (by a
/// protocol call through the installed scripts).
/// </summary>
public sealed class ResidentVerbTests
{

    [Fact]
    public async Task Status_WhenAResidentProcessServes_ShowsItsPidCallsFingerprintAndIdleTimeoutAsCurrent()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true, residentSettings: "\"idleSeconds\": 300");
        await hf.AnswerAsync("getAvailableTemplates", "{}");
        var resident = await hf.WaitForResidentAsync();
        await hf.AnswerAsync("getAvailableTemplates", "{}");

        var result = await hf.RunCliAsync("resident", "status", "--format", "json");

        result.ExitCode.Should().Be(0, result.ToString());
        var entry = Json.Parse(result.StandardOutput).EnumerateArray().Should().ContainSingle().Subject;
        entry.GetProperty("processId").GetInt32().Should().Be(resident);
        entry.GetProperty("callsServed").GetInt64().Should().Be(1, "the first call ran in its own process and started it");
        entry.GetProperty("callsInProgress").GetInt32().Should().Be(0);
        entry.GetProperty("idleTimeoutSeconds").GetInt32().Should().Be(300);
        entry.GetProperty("since").GetDateTimeOffset().Should().BeOnOrBefore(DateTimeOffset.UtcNow);
        entry.GetProperty("fingerprint").GetString().Should().Be(Path.GetFileNameWithoutExtension(hf.ResidentSockets().Single()));
        entry.GetProperty("state").GetString().Should().Be("current");
        entry.GetProperty("notes").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Status_WhenTheConfigurationChangedSinceItStarted_ReportsItStale()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);
        await hf.AnswerAsync("getAvailableTemplates", "{}");
        var resident = await hf.WaitForResidentAsync();

        await hf.WriteTemplatesAsync(HostFactoryInstallation.StandardTemplates.Take(1));
        var result = await hf.RunCliAsync("resident", "status", "--format", "json");

        result.ExitCode.Should().Be(0, result.ToString());
        var entry = Json.Parse(result.StandardOutput).EnumerateArray().Should().ContainSingle().Subject;
        entry.GetProperty("processId").GetInt32().Should().Be(resident);
        entry.GetProperty("state").GetString().Should().Be("stale");
        entry.GetProperty("notes")[0].GetString().Should().Contain("the configuration or the installation changed since it started");
    }

    [Fact]
    public async Task Status_WhenAPluginWasReplacedInPlaceSinceItLoaded_ReportsItStaleNamingThePlugin()
    {
        // The exec provider as a plugin of the installation's own: its assembly copied beside the configuration.
        var pluginDirectory = Path.Combine(Path.GetTempPath(), $"hf-cli-plugin-{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(pluginDirectory);
        try
        {
            var plugin = Path.Combine(pluginDirectory, "HostFactory.Providers.Exec.dll");
            File.Copy(Path.Combine(CliProcess.InstallationDirectory, "providers", "HostFactory.Providers.Exec.dll"), plugin);
            var mine = $$"""{ "name": "mine", "type": "exec", "assembly": "{{plugin}}", "retries": 0, "settings": { "program": "/bin/true" } }""";
            var templates = HostFactoryInstallation.StandardTemplates.Append(HostFactoryInstallation.ProviderTemplate("e2e-mine", 1, "mine"));
            await using var hf = await HostFactoryInstallation.CreateAsync(templates, resident: true, extraProviders: mine);
            await hf.AnswerAsync("getAvailableTemplates", "{}");
            var resident = await hf.WaitForResidentAsync();

            // The resident process loads the providers with the first call that needs one: this one (its program answers
            // nothing, so the provision fails, which is beside the point).
            var used = await hf.RunScriptAsync("requestMachines", """{"template": {"templateId": "e2e-mine", "machineCount": 1}}""");
            var before = await hf.RunCliAsync("resident", "status", "--format", "json");

            // A new build deployed as deployments do it: written beside, then renamed over the loaded file.
            var replacement = plugin + ".new";
            File.Copy(plugin, replacement);
            File.SetLastWriteTimeUtc(replacement, File.GetLastWriteTimeUtc(plugin).AddMinutes(1));
            File.Move(replacement, plugin, overwrite: true);
            var after = await hf.RunCliAsync("resident", "status", "--format", "json");

            used.StandardOutput.Should().Contain("exec provider 'mine'", used.ToString());
            Json.Parse(before.StandardOutput).EnumerateArray().Should().ContainSingle()
                .Which.GetProperty("state").GetString().Should().Be("current", before.ToString());
            after.ExitCode.Should().Be(0, after.ToString());
            var entry = Json.Parse(after.StandardOutput).EnumerateArray().Should().ContainSingle().Subject;
            entry.GetProperty("processId").GetInt32().Should().Be(resident);
            entry.GetProperty("state").GetString().Should().Be("stale");
            entry.GetProperty("notes").EnumerateArray().Select(static note => note.GetString()).Should().ContainSingle()
                .Which.Should().Contain($"the plugin {plugin} changed since it was loaded");
        }
        finally
        {
            Directory.Delete(pluginDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Status_WhenNoResidentProcessEverRan_SaysSo()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);

        var table = await hf.RunCliAsync("resident", "status", "--format", "table");
        var json = await hf.RunCliAsync("resident", "status", "--format", "json");

        table.ExitCode.Should().Be(0, table.ToString());
        table.StandardOutput.Should().StartWith("No resident process in ");
        Json.Parse(json.StandardOutput).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Stop_WhenACallIsInProgress_LetsItFinishThenTheProcessEnds()
    {
        // A provider that takes its time, so the stop arrives while the call is inside it; it then answers nothing, so the
        // call ends with the provider's failure (exit code 4) once it has run to its end.
        const string slow = """{ "name": "slow", "type": "exec", "timeoutSeconds": 60, "retries": 0, "settings": { "program": "/bin/sh", "arguments": ["-c", "sleep 3"] } }""";
        var templates = HostFactoryInstallation.StandardTemplates.Append(HostFactoryInstallation.ProviderTemplate("e2e-slow", 4, "slow"));
        await using var hf = await HostFactoryInstallation.CreateAsync(templates, resident: true, extraProviders: slow);
        await hf.AnswerAsync("getAvailableTemplates", "{}");
        var resident = await hf.WaitForResidentAsync();

        var call = hf.RunScriptAsync("requestMachines", """{"template": {"templateId": "e2e-slow", "machineCount": 1}}""");
        var requests = Path.Combine(hf.WorkDirectory, "data", "requests");
        await Eventually.UntilAsync(() => Directory.Exists(requests) && Directory.EnumerateFiles(requests, "req-*.json").Any(), "the call is inside the provider");
        var stop = await hf.RunCliAsync("resident", "stop", "--format", "json");
        var answered = await call;

        stop.ExitCode.Should().Be(0, stop.ToString());
        var stopped = Json.Parse(stop.StandardOutput).EnumerateArray().Should().ContainSingle().Subject;
        stopped.GetProperty("processId").GetInt32().Should().Be(resident);
        stopped.GetProperty("stopped").GetBoolean().Should().BeTrue();
        HostFactoryInstallation.IsRunning(resident).Should().BeFalse();
        answered.ExitCode.Should().Be(4, answered.ToString());
        Json.Parse(answered.StandardOutput).GetProperty("message").GetString().Should().Contain("exec provider 'slow': '/bin/sh' provision");
        hf.ResidentSockets().Should().BeEmpty("it removed its socket");
        var log = await File.ReadAllTextAsync(hf.LogFile);
        log.Should().Contain($"Resident process {resident} served requestMachines (exit code 4)")
            .And.Contain($"Resident process {resident} stopped (stopped by 'hostfactory resident stop')");
    }

    [Fact]
    public async Task Stop_WhenTheTimeoutIsOutOfRange_RefusesNamingIt()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);

        var result = await hf.RunCliAsync("resident", "stop", "--timeout", "0", "--format", "table");

        result.ExitCode.Should().Be(2, result.ToString());
        result.StandardError.Should().Contain("--timeout must be from 1 to 86400 seconds, was 0.");
    }
}
