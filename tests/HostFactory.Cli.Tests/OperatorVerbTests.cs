using System.Text.Json;
using System.Text.Json.Nodes;
using HostFactory.Cli.Tests.Support;

namespace HostFactory.Cli.Tests;

/// <summary>The operator verbs (templates, requests, machines, providers) with both formats.</summary>
public sealed class OperatorVerbTests : IAsyncLifetime
{
    private HostFactoryInstallation _hf = null!;

    public async Task InitializeAsync() => _hf = await HostFactoryInstallation.CreateAsync(
        [.. HostFactoryInstallation.StandardTemplates, HostFactoryInstallation.Template("e2e-broken", 2, command: "[\"/no/such/program\"]")]);

    public async Task DisposeAsync() => await _hf.DisposeAsync();

    [Fact]
    public async Task TemplatesList_WhenStdoutIsRedirected_PrintsJsonWithEveryTemplate()
    {
        var result = await _hf.RunCliAsync("templates", "list");

        result.ExitCode.Should().Be(0, result.ToString());
        var items = Json.Parse(result.StandardOutput).GetProperty("items").EnumerateArray().ToList();
        items.Select(t => t.GetProperty("templateId").GetString()).Should().BeEquivalentTo("e2e-vm", "e2e-small", "e2e-off", "e2e-broken");
        items.Single(t => t.GetProperty("templateId").GetString() == "e2e-off").GetProperty("enabled").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task TemplatesListAndShow_WhenFormatIsTable_PrintAlignedText()
    {
        var list = await _hf.RunCliAsync("templates", "list", "--format", "table");
        var show = await _hf.RunCliAsync("templates", "show", "e2e-vm", "--format", "table");

        list.ExitCode.Should().Be(0, list.ToString());
        var lines = list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().StartWith("TEMPLATE").And.Contain("AVAILABLE");
        lines.Should().HaveCount(5).And.Contain(l => l.StartsWith("e2e-small ", StringComparison.Ordinal) && l.Contains(" 2 "));
        show.ExitCode.Should().Be(0, show.ToString());
        show.StandardOutput.Should().Contain("template:").And.Contain("e2e-vm").And.Contain("attribute nram:").And.Contain("2048 (Numeric)");
    }

    [Fact]
    public async Task TemplatesShow_WhenTheTemplateIsUnknown_ExitsThreeWithOneLine()
    {
        var result = await _hf.RunCliAsync("templates", "show", "nope", "--format", "table");

        result.ExitCode.Should().Be(3);
        result.StandardOutput.Should().BeEmpty("a table-format failure prints nothing on stdout");
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("'nope' does not exist");
    }

    [Fact]
    public async Task TemplatesValidate_WhenTheProviderRejectsTheTemplate_ExitsThreeListingTheProblem()
    {
        var valid = await _hf.RunCliAsync("templates", "validate", "e2e-vm");
        var broken = await _hf.RunCliAsync("templates", "validate", "e2e-broken", "--format", "json");

        valid.ExitCode.Should().Be(0, valid.ToString());
        Json.Parse(valid.StandardOutput).GetProperty("valid").GetBoolean().Should().BeTrue();
        broken.ExitCode.Should().Be(3, broken.ToString());
        var answer = Json.Parse(broken.StandardOutput);
        answer.GetProperty("valid").GetBoolean().Should().BeFalse();
        answer.GetProperty("problems")[0].GetString().Should().Contain("/no/such/program");
    }

    [Fact]
    public async Task RequestMachines_WhenTheProviderCanMakeNoMachine_AnswersOnlyAMessage()
    {
        var result = await _hf.RunScriptAsync("requestMachines", """{"template": {"templateId": "e2e-broken", "machineCount": 1}}""");

        result.ExitCode.Should().Be(4, result.ToString());
        var answer = Json.Parse(result.StandardOutput);
        ProtocolShape.Failure(answer).Should().BeEmpty("a failed request is answered with a message and no requestId");
        answer.GetProperty("message").GetString().Should().Contain("/no/such/program");
        result.ErrorLines.Should().ContainSingle();
    }

    [Fact]
    public async Task ProvidersCheck_WhenATemplateOfTheProviderIsBroken_ReportsItUnhealthy()
    {
        var list = await _hf.RunCliAsync("providers", "list", "--format", "table");
        var check = await _hf.RunCliAsync("providers", "check");

        list.ExitCode.Should().Be(0, list.ToString());
        list.StandardOutput.Should().Contain("local").And.Contain("local-process").And.Contain("(built in)");
        check.ExitCode.Should().Be(4, check.ToString());
        var local = Json.Parse(check.StandardOutput).EnumerateArray().Should().ContainSingle().Subject;
        local.GetProperty("healthy").GetBoolean().Should().BeFalse();
        local.GetProperty("templates").EnumerateArray().Select(t => t.GetProperty("templateId").GetString()).Should().BeEquivalentTo("e2e-vm", "e2e-small", "e2e-broken");
    }

    [Fact]
    public async Task ProvidersCheck_WhenEveryTemplateIsValid_ExitsZero()
    {
        await _hf.WriteTemplatesAsync(HostFactoryInstallation.StandardTemplates);

        var check = await _hf.RunCliAsync("providers", "check", "--format", "table");

        check.ExitCode.Should().Be(0, check.ToString());
        check.StandardOutput.Should().Contain("local").And.Contain(" ok ");
    }

    [Fact]
    public async Task RequestsAndMachines_WhenARequestIsFollowedAndReturned_ShowItsProgressAndState()
    {
        var accepted = await _hf.AnswerAsync("requestMachines", """{"template": {"templateId": "e2e-vm", "machineCount": 2}}""");
        var requestId = accepted.GetProperty("requestId").GetString()!;

        var shown = await _hf.RunCliAsync("requests", "show", requestId, "--wait", "--timeout", "30");
        shown.ExitCode.Should().Be(0, shown.ToString());
        shown.ErrorLines.Should().NotBeEmpty().And.Contain(l => l.Contains($"{requestId} complete", StringComparison.Ordinal));
        var detail = Json.Parse(shown.StandardOutput);
        detail.GetProperty("request").GetProperty("status").GetString().Should().Be("completed");
        detail.GetProperty("hostFactory").GetProperty("status").GetString().Should().Be("complete");
        var machineIds = detail.GetProperty("hostFactory").GetProperty("machines").EnumerateArray().Select(m => m.GetProperty("machineId").GetString()!).ToList();
        machineIds.Should().HaveCount(2);

        var list = await _hf.RunCliAsync("requests", "list", "--kind", "acquire", "--format", "table");
        list.StandardOutput.Should().Contain(requestId).And.Contain("completed").And.Contain("2/2");

        var machine = await _hf.RunCliAsync("machines", "show", machineIds[0]);
        machine.ExitCode.Should().Be(0, machine.ToString());
        var view = Json.Parse(machine.StandardOutput);
        view.GetProperty("status").GetString().Should().Be("running");
        view.GetProperty("providerData").GetProperty("pid").GetString().Should().NotBeNullOrEmpty();

        var name = view.GetProperty("name").GetString()!;
        var returned = await _hf.RunCliAsync("machines", "return", name, machineIds[1], "--wait");
        returned.ExitCode.Should().Be(0, returned.ToString());
        var answer = Json.Parse(returned.StandardOutput);
        answer.GetProperty("requestId").GetString().Should().StartWith("ret-");
        answer.GetProperty("returned").GetArrayLength().Should().Be(2);
        answer.GetProperty("hostFactory").GetProperty("status").GetString().Should().Be("complete");

        var terminated = await _hf.RunCliAsync("machines", "list", "--status", "terminated", "--format", "json");
        Json.Parse(terminated.StandardOutput).GetProperty("total").GetInt32().Should().Be(2);
        _hf.LiveMachineProcesses().Should().BeEmpty();
    }

    [Fact]
    public async Task RequestsCancel_WhenTheRequestIsFinished_IsRefused()
    {
        var accepted = await _hf.AnswerAsync("requestMachines", """{"template": {"templateId": "e2e-small", "machineCount": 1}}""");
        var requestId = accepted.GetProperty("requestId").GetString()!;
        await _hf.WaitForRequestAsync(requestId);

        var cancel = await _hf.RunCliAsync("requests", "cancel", requestId);

        cancel.ExitCode.Should().Be(3, cancel.ToString());
        Json.Parse(cancel.StandardOutput).GetProperty("message").GetString().Should().Contain("cannot be cancelled");
        cancel.ErrorLines.Should().ContainSingle();
    }

    [Fact]
    public async Task RequestsShow_WhenTheRequestIsUnknown_ExitsThree()
    {
        var unknown = await _hf.RunCliAsync("requests", "show", "req-00000000-0000-4000-8000-000000000000");
        var malformed = await _hf.RunCliAsync("requests", "show", "not-an-id");

        unknown.ExitCode.Should().Be(3, unknown.ToString());
        malformed.ExitCode.Should().Be(2, malformed.ToString());
        ProtocolShape.Failure(Json.Parse(malformed.StandardOutput)).Should().BeEmpty();
    }

    [Fact]
    public async Task Help_WhenAskedAtTheRoot_ListsEveryVerb()
    {
        var result = await _hf.RunCliAsync("--help");

        result.ExitCode.Should().Be(0, result.ToString());
        foreach (var verb in new[] { "getAvailableTemplates", "requestMachines", "requestReturnMachines", "getRequestStatus", "getReturnRequests", "templates", "requests", "machines", "providers", "scripts", "demo" })
        {
            result.StandardOutput.Should().Contain($"  {verb} ");
        }
    }

    [Fact]
    public async Task Format_WhenAnUnknownFormatIsAsked_IsAUsageError()
    {
        var result = await _hf.RunCliAsync("machines", "list", "--format", "yaml");

        result.ExitCode.Should().Be(2, result.ToString());
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("yaml");
    }

    [Fact]
    public async Task Config_WhenGivenExplicitly_WinsOverHfProviderConfdir()
    {
        var other = Path.Combine(_hf.Root, "other-conf");
        Directory.CreateDirectory(other);
        File.Copy(Path.Combine(_hf.ConfigurationDirectory, $"{HostFactoryInstallation.InstanceName}prov_config.json"), Path.Combine(other, "hostfactory.json"));
        await File.WriteAllTextAsync(Path.Combine(other, "templates.json"), $"{{ \"templates\": [ {HostFactoryInstallation.Template("only-here", 1)} ] }}");

        var result = await CliProcess.RunAsync(
            new Dictionary<string, string?>(_hf.Environment) { ["HF_PROVIDER_WORKDIR"] = Path.Combine(_hf.Root, "other-work") },
            "templates", "list", "--config", other);

        result.ExitCode.Should().Be(0, result.ToString());
        Json.Parse(result.StandardOutput).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("templateId").GetString())
            .Should().Equal("only-here");
    }

    [Fact]
    public async Task Verbs_WhenTheConfigurationIsMissing_ExitFiveNamingTheFile()
    {
        var result = await CliProcess.RunAsync(_hf.Environment, "getAvailableTemplates", "--config", Path.Combine(_hf.Root, "missing", "hostfactory.json"));

        result.ExitCode.Should().Be(5, result.ToString());
        ProtocolShape.Failure(Json.Parse(result.StandardOutput)).Should().BeEmpty();
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("missing/hostfactory.json");
    }

    [Fact]
    public async Task Verbs_WhenTheConfigurationIsNotJson_ExitFiveSayingWhereItBreaksOnOneLine()
    {
        var file = Path.Combine(_hf.Root, "not-json", "hostfactory.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, "{\n  \"hostFactory\": {\n    \"storage\": [\n}\n");

        var result = await CliProcess.RunAsync(_hf.Environment, "getAvailableTemplates", "--config", file);

        result.ExitCode.Should().Be(5, result.ToString());
        ProtocolShape.Failure(Json.Parse(result.StandardOutput)).Should().BeEmpty();
        result.ErrorLines.Should().ContainSingle().Which.Should()
            .StartWith($"hostfactory getAvailableTemplates: Failed to load configuration from file '{file}'.")
            .And.Contain("LineNumber: 3");
    }

    [Fact]
    public async Task RequestMachines_WhenASectionIsMisspelt_ExitsFiveNamingItAndMakesNothing()
    {
        // "storag" would otherwise leave this host on its own JSON files while the others share PostgreSQL.
        var file = await WriteEditedConfigurationAsync("misspelt", c => c["hostFactory"]!["storag"] = new JsonObject { ["kind"] = "postgres" });
        var before = _hf.StoreSnapshot();

        var result = await CliProcess.RunWithInputAsync(
            _hf.Environment, """{"template": {"templateId": "e2e-vm", "machineCount": 1}}"""u8.ToArray(), "requestMachines", "--config", file);

        result.ExitCode.Should().Be(5, result.ToString());
        result.ErrorLines.Should().ContainSingle().Which.Should().StartWith(
            "hostfactory requestMachines: Invalid configuration: hostFactory:storag is not a Host Factory setting (known under hostFactory: storage,");
        _hf.StoreSnapshot().Should().Equal(before);
        _hf.LiveMachineProcesses().Should().BeEmpty("nothing was asked of the provider");
    }

    [Fact]
    public async Task Verbs_WhenASettingHasAValueOfTheWrongType_ExitFiveNamingTheSettingOnOneLine()
    {
        var file = await WriteEditedConfigurationAsync("wrong-type", c => c["hostFactory"]!["storage"] = new JsonObject { ["lockTimeout"] = "soon" });

        var result = await CliProcess.RunAsync(_hf.Environment, "getAvailableTemplates", "--config", file);

        result.ExitCode.Should().Be(5, result.ToString());
        ProtocolShape.Failure(Json.Parse(result.StandardOutput)).Should().BeEmpty();
        result.ErrorLines.Should().ContainSingle().Which.Should().Be(
            "hostfactory getAvailableTemplates: Invalid configuration: Failed to convert configuration value 'soon' at 'hostFactory:storage:LockTimeout' to type 'System.TimeSpan'.");
    }

    [Fact]
    public async Task RequestMachines_WhenTheDataDirectoryIsAFile_ExitsFiveNamingItOnOneLineAndMakesNothing()
    {
        var data = Path.Combine(_hf.WorkDirectory, "data");
        Directory.CreateDirectory(_hf.WorkDirectory);
        await File.WriteAllTextAsync(data, "not a directory");

        var result = await _hf.RunScriptAsync("requestMachines", """{"template": {"templateId": "e2e-vm", "machineCount": 1}}""");

        result.ExitCode.Should().Be(5, result.ToString());
        Json.Parse(result.StandardOutput).GetProperty("message").GetString().Should()
            .Be($"Invalid configuration: The JSON store's data directory '{data}' cannot be used: it is a file, not a directory.");
        result.ErrorLines.Should().ContainSingle();
        (await File.ReadAllTextAsync(data)).Should().Be("not a directory");
        _hf.LiveMachineProcesses().Should().BeEmpty("nothing was asked of the provider");
    }

    [Fact]
    public async Task Verbs_WhenTheTemplatesFileIsInvalid_ExitFiveNamingTheTemplate()
    {
        await _hf.WriteTemplatesAsync([HostFactoryInstallation.Template("e2e-vm", 99999)]);

        var result = await _hf.RunScriptAsync("getAvailableTemplates", "{}");

        result.ExitCode.Should().Be(5, result.ToString());
        Json.Parse(result.StandardOutput).GetProperty("message").GetString().Should().Contain("e2e-vm").And.Contain("99999");
    }

    [Fact]
    public async Task Verbs_WhenHfProviderLogdirIsUnset_LogNothingToAFileAndKeepStderrClean()
    {
        var environment = new Dictionary<string, string?>(_hf.Environment) { ["HF_PROVIDER_LOGDIR"] = null };

        var result = await CliProcess.RunAsync(environment, "getAvailableTemplates");

        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardError.Should().BeEmpty("information records are not written to stderr");
        File.Exists(_hf.LogFile).Should().BeFalse();
        Json.Parse(result.StandardOutput).GetProperty("templates").ValueKind.Should().Be(JsonValueKind.Array);
    }

    /// <summary>The installation's configuration, edited, written as <c>hostfactory.json</c> with its templates into a new directory; returns the file.</summary>
    private async Task<string> WriteEditedConfigurationAsync(string directoryName, Action<JsonNode> edit)
    {
        var configuration = JsonNode.Parse(await File.ReadAllTextAsync(
            Path.Combine(_hf.ConfigurationDirectory, $"{HostFactoryInstallation.InstanceName}prov_config.json")))!;
        edit(configuration);
        var directory = Path.Combine(_hf.Root, directoryName);
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "hostfactory.json");
        await File.WriteAllTextAsync(file, configuration.ToJsonString());
        File.Copy(Path.Combine(_hf.ConfigurationDirectory, $"{HostFactoryInstallation.InstanceName}prov_templates.json"), Path.Combine(directory, "templates.json"));
        return file;
    }
}
