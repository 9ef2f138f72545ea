using System.Text.RegularExpressions;
using HostFactory.Cli.Tests.Support;

namespace HostFactory.Cli.Tests;

/// <summary>
/// Operator verbs run on a real pseudo-terminal (<see cref="PseudoTerminal"/>): tables and the <c>--wait</c> status
/// are drawn with Spectre.Console, in colour unless <c>NO_COLOR</c> is set, and with <c>TERM=dumb</c> the output is the
/// plain text of a redirected run. Protocol verbs never load Spectre.Console, even on a terminal.
/// </summary>
public sealed partial class TerminalOutputTests : IAsyncLifetime
{
    private HostFactoryInstallation _hf = null!;

    public async Task InitializeAsync() => _hf = await HostFactoryInstallation.CreateAsync();

    public async Task DisposeAsync() => await _hf.DisposeAsync();

    [Fact]
    public async Task TemplatesList_WhenStdoutIsATerminal_DrawsAColouredBorderedTable()
    {
        var result = await PseudoTerminal.RunAsync(_hf.Environment, "templates", "list");

        result.ExitCode.Should().Be(0, result.ToString());
        PseudoTerminal.Plain(result).Should().Contain("╭").And.Contain("│ TEMPLATE").And.Contain("│ e2e-vm").And.Contain("e2e-small").And.Contain("╰");
        ColourSequence().IsMatch(PseudoTerminal.Text(result)).Should().BeTrue("the border is coloured");
    }

    [Fact]
    public async Task TemplatesList_WhenNoColorIsSet_DrawsTheTableWithoutColour()
    {
        var result = await PseudoTerminal.RunAsync(new Dictionary<string, string?>(_hf.Environment) { ["NO_COLOR"] = "1" }, "templates", "list");

        result.ExitCode.Should().Be(0, result.ToString());
        PseudoTerminal.Plain(result).Should().Contain("╭").And.Contain("│ e2e-vm");
        var text = PseudoTerminal.Text(result);
        ColourSequence().IsMatch(text).Should().BeFalse(text);
    }

    [Fact]
    public async Task TemplatesList_WhenTheLocaleIsNotUtf8_DrawsAsciiBorders()
    {
        var result = await PseudoTerminal.RunAsync(new Dictionary<string, string?>(_hf.Environment) { ["LANG"] = "C" }, "templates", "list");

        result.ExitCode.Should().Be(0, result.ToString());
        PseudoTerminal.Plain(result).Should().Contain("| e2e-vm").And.Contain("+--").And.NotContain("╭").And.NotContain("│");
    }

    [Fact]
    public async Task TemplatesList_WhenTermIsDumb_PrintsThePlainTextOfARedirectedRun()
    {
        var redirected = await _hf.RunCliAsync("templates", "list", "--format", "table");

        var dumb = await PseudoTerminal.RunAsync(new Dictionary<string, string?>(_hf.Environment) { ["TERM"] = "dumb" }, "templates", "list");

        dumb.ExitCode.Should().Be(0, dumb.ToString());
        PseudoTerminal.Text(dumb).Should().Be(redirected.StandardOutput);
    }

    [Fact]
    public async Task RequestsShow_WhenWaitingOnATerminal_ShowsALiveStatusThenTheRequest()
    {
        var accepted = await _hf.AnswerAsync("requestMachines", """{"template": {"templateId": "e2e-vm", "machineCount": 1}}""");
        var requestId = accepted.GetProperty("requestId").GetString()!;

        var result = await PseudoTerminal.RunAsync(_hf.Environment, "requests", "show", requestId, "--wait", "--timeout", "30");

        result.ExitCode.Should().Be(0, result.ToString());
        PseudoTerminal.Text(result).Should().Contain("\u001b[?25l", "the live display hides the cursor while it runs");
        var text = PseudoTerminal.Plain(result);
        text.Should().Contain($"{requestId} complete: 1 succeed");
        text.Should().Contain("│ MACHINE").And.Contain("succeed");
        text[text.LastIndexOf($"{requestId} complete", StringComparison.Ordinal)..].Should().Contain("│ MACHINE", "the request is shown after the status");
    }

    [Fact]
    public async Task ProtocolVerb_WhenRunOnATerminal_LoadsNoSpectreConsole()
    {
        var input = Path.Combine(_hf.Root, "templates-input.json");
        await File.WriteAllTextAsync(input, "{}");

        var (result, loaded) = await LoadedAssemblies.RunAsync(_hf.Root, _hf.Environment, e => PseudoTerminal.RunAsync(e, "getAvailableTemplates", "-f", input));

        result.ExitCode.Should().Be(0, result.ToString());
        PseudoTerminal.Text(result).Should().Contain("\"templates\"");
        loaded.Should().Contain("hostfactory", "the hook saw the CLI's own assembly load");
        loaded.Should().NotContain(name => name.StartsWith("Spectre.Console", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OperatorVerb_WhenRunOnATerminal_LoadsSpectreConsole()
    {
        var (result, loaded) = await LoadedAssemblies.RunAsync(_hf.Root, _hf.Environment, e => PseudoTerminal.RunAsync(e, "providers", "list"));

        result.ExitCode.Should().Be(0, result.ToString());
        loaded.Should().Contain("Spectre.Console", "the test above would see it if a protocol verb loaded it");
    }

    /// <summary>An SGR sequence that sets a foreground or background colour (16, 256 or 24-bit).</summary>
    [GeneratedRegex(@"\u001b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]")]
    private static partial Regex ColourSequence();
}
