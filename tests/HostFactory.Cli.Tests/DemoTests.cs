using System.Text.Json;
using HostFactory.Cli.Tests.Support;

namespace HostFactory.Cli.Tests;

/// <summary><c>hostfactory demo</c>, on a copy of the shipped configuration.</summary>
public sealed class DemoTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"hf-demo-{Guid.NewGuid():N}"[..20]);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Demo_WhenRunOnTheShippedConfiguration_CompletesTheCycleAndPrintsEveryAnswer()
    {
        // A copy, so the demo's .work folder lands beside it and not in the test output.
        var config = Path.Combine(_root, "config");
        CopyDirectory(Path.Combine(CliProcess.InstallationDirectory, "config"), config);

        var result = await CliProcess.RunAsync(new Dictionary<string, string?>(), "demo", "--config", config, "--timeout", "60");

        result.ExitCode.Should().Be(0, result.ToString());
        var output = result.StandardOutput;
        foreach (var step in new[] { "1. getAvailableTemplates", "2. requestMachines", "3. getRequestStatus", "4. requestReturnMachines", "5. getRequestStatus", "6. getReturnRequests" })
        {
            output.Should().Contain($"== {step}");
        }

        output.Should().Contain("no machine process is left");
        var answers = Answers(output);
        answers.Should().HaveCount(6);
        ProtocolShape.Templates(answers[0]).Should().BeEmpty();
        ProtocolShape.RequestAccepted(answers[1], "req-").Should().BeEmpty();
        ProtocolShape.RequestStatus(answers[2]).Should().BeEmpty();
        answers[2].GetProperty("requests")[0].GetProperty("machines").GetArrayLength().Should().Be(3);
        ProtocolShape.RequestAccepted(answers[3], "ret-").Should().BeEmpty();
        answers[4].GetProperty("requests")[0].GetProperty("machines").EnumerateArray()
            .Should().OnlyContain(m => m.GetProperty("result").GetString() == "succeed" && m.GetProperty("status").GetString() == "terminated");
        ProtocolShape.ReturnRequests(answers[5]).Should().BeEmpty();
        Directory.EnumerateDirectories(Path.Combine(_root, ".work"), "demo-*").Should().ContainSingle("the demo works in a fresh directory of its own");
    }

    [Fact]
    public async Task Demo_WhenTheConfigurationsWorkDirectoryCannotBeMade_WorksInTheUsersStateDirectoryAndItsHintRuns()
    {
        var config = Path.Combine(_root, "config");
        CopyDirectory(Path.Combine(CliProcess.InstallationDirectory, "config"), config);
        File.WriteAllText(Path.Combine(_root, ".work"), "a file where the work directory would go, as an installation the user cannot write");
        var state = Path.Combine(_root, "state");

        var result = await CliProcess.RunAsync(new Dictionary<string, string?> { ["XDG_STATE_HOME"] = state }, "demo", "--config", config, "--count", "1", "--timeout", "60");

        result.ExitCode.Should().Be(0, result.ToString());
        var work = Directory.EnumerateDirectories(Path.Combine(state, "hostfactory"), "demo-*").Should().ContainSingle().Subject;
        result.StandardOutput.Should().Contain($"work directory: {work}");
        var hint = result.StandardOutput.Split('\n').Single(line => line.StartsWith("Look around: ", StringComparison.Ordinal))["Look around: ".Length..];
        var lookAround = await CliProcess.StartAsync("/bin/sh", ["-c", hint + " --format json"], new Dictionary<string, string?>(), standardInput: null);
        lookAround.ExitCode.Should().Be(0, $"the hint '{hint}' runs as printed: {lookAround}");
        Json.Parse(lookAround.StandardOutput).GetProperty("items").GetArrayLength().Should().Be(2, "the demo's acquire and return requests");
    }

    [Fact]
    public async Task Demo_WhenHfProviderWorkdirIsSet_WorksInIt()
    {
        var config = Path.Combine(_root, "config");
        CopyDirectory(Path.Combine(CliProcess.InstallationDirectory, "config"), config);
        var work = Path.Combine(_root, "hf-work");

        var result = await CliProcess.RunAsync(new Dictionary<string, string?> { ["HF_PROVIDER_WORKDIR"] = work }, "demo", "--config", config, "--count", "1", "--timeout", "60");

        result.ExitCode.Should().Be(0, result.ToString());
        Directory.EnumerateDirectories(work, "demo-*").Should().ContainSingle();
        Directory.Exists(Path.Combine(_root, ".work")).Should().BeFalse("HF_PROVIDER_WORKDIR wins over the configuration's own work directory");
    }

    [Fact]
    public async Task Demo_WhenTheGivenWorkDirectoryCannotBeMade_FailsWithOneLineNamingTheFix()
    {
        var blocker = Path.Combine(_root, "not-a-directory");
        Directory.CreateDirectory(_root);
        File.WriteAllText(blocker, "a file");

        var result = await CliProcess.RunAsync(new Dictionary<string, string?>(), "demo", "--work-dir", Path.Combine(blocker, "work"));

        result.ExitCode.Should().Be(5, result.ToString());
        result.ErrorLines.Should().ContainSingle().Which.Should()
            .StartWith($"hostfactory demo: The demo could not make its work directory: '{Path.Combine(blocker, "work")}/demo-")
            .And.EndWith("Pass --work-dir <a directory you can write> (or set HF_PROVIDER_WORKDIR).");
    }

    [Fact]
    public async Task Demo_WhenTheHomeDirectoryDoesNotExist_LooksForTheStateDirectoryUnderItAndNotWhereItRuns()
    {
        var config = Path.Combine(_root, "config");
        CopyDirectory(Path.Combine(CliProcess.InstallationDirectory, "config"), config);
        File.WriteAllText(Path.Combine(_root, ".work"), "a file where the work directory would go, as an installation the user cannot write");
        File.WriteAllText(Path.Combine(_root, "nonexistent"), "a file, so no home directory can be made under it, even by root");
        var home = Path.Combine(_root, "nonexistent", "home");

        var result = await CliProcess.RunAsync(
            new Dictionary<string, string?> { ["HOME"] = home, ["XDG_STATE_HOME"] = null }, "demo", "--config", config, "--count", "1");

        result.ExitCode.Should().Be(5, result.ToString());
        result.ErrorLines.Should().ContainSingle().Which.Should()
            .Match($"hostfactory demo: The demo could not make its work directory: '{Path.Combine(_root, ".work")}/demo-*' (the configuration's work directory): *; "
                + $"'{Path.Combine(home, ".local", "state", "hostfactory")}/demo-*' (your state directory): *. Pass --work-dir <a directory you can write> (or set HF_PROVIDER_WORKDIR).");
    }

    [Fact]
    public async Task Demo_WhenNeitherXdgStateHomeNorHomeIsAnAbsolutePath_SaysThereIsNoStateDirectory()
    {
        var config = Path.Combine(_root, "config");
        CopyDirectory(Path.Combine(CliProcess.InstallationDirectory, "config"), config);
        File.WriteAllText(Path.Combine(_root, ".work"), "a file where the work directory would go, as an installation the user cannot write");

        var result = await CliProcess.RunAsync(
            new Dictionary<string, string?> { ["HOME"] = "relative/home", ["XDG_STATE_HOME"] = "relative/state" }, "demo", "--config", config, "--count", "1");

        result.ExitCode.Should().Be(5, result.ToString());
        result.ErrorLines.Should().ContainSingle().Which.Should().Match(
            $"hostfactory demo: The demo could not make its work directory: '{Path.Combine(_root, ".work")}/demo-*' (the configuration's work directory): *; "
            + "your state directory: none, neither XDG_STATE_HOME nor HOME is an absolute path. Pass --work-dir <a directory you can write> (or set HF_PROVIDER_WORKDIR).");
    }

    /// <summary>The JSON documents after each "answer:" line.</summary>
    private static List<JsonElement> Answers(string output)
    {
        var answers = new List<JsonElement>();
        var at = 0;
        while ((at = output.IndexOf("answer:\n", at, StringComparison.Ordinal)) >= 0)
        {
            at += "answer:\n".Length;
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(output[at..]), new JsonReaderOptions { AllowMultipleValues = true });
            answers.Add(JsonElement.ParseValue(ref reader));
        }

        return answers;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
