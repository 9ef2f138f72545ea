using HostFactory.Cli.Infrastructure;

namespace HostFactory.Cli.Tests;

/// <summary>The one decision whether stdout is an interactive terminal, and what it can show.</summary>
public sealed class CliTerminalTests
{
    [Fact]
    public void Detect_WhenStdoutIsRedirected_FindsNoTerminalAndNeverAsksItsWidth()
    {
        var terminal = CliTerminal.Detect(Environment(("TERM", "xterm")), isOutputRedirected: true, () => throw new InvalidOperationException("asked"));

        terminal.Should().BeNull();
    }

    [Fact]
    public void Detect_WhenTermIsDumb_FindsNoTerminal()
    {
        CliTerminal.Detect(Environment(("TERM", "dumb")), isOutputRedirected: false, () => 120).Should().BeNull();
    }

    [Fact]
    public void Detect_WhenATerminalHasAUtf8Locale_UsesColourUnicodeAndItsWidth()
    {
        var terminal = CliTerminal.Detect(Environment(("TERM", "xterm-256color"), ("LANG", "en_GB.UTF-8")), isOutputRedirected: false, () => 132);

        terminal.Should().Be(new CliTerminal(Color: true, Unicode: true, Width: 132));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("no")]
    public void Detect_WhenNoColorIsSet_UsesNoColour(string value)
    {
        var terminal = CliTerminal.Detect(Environment(("TERM", "xterm"), ("NO_COLOR", value)), isOutputRedirected: false, () => 80);

        terminal!.Color.Should().BeFalse();
    }

    [Fact]
    public void Detect_WhenNoColorIsEmpty_UsesColour()
    {
        CliTerminal.Detect(Environment(("TERM", "xterm"), ("NO_COLOR", "")), isOutputRedirected: false, () => 80)!.Color.Should().BeTrue();
    }

    [Fact]
    public void Detect_WhenLcAllIsNotUtf8_UsesAsciiThoughLangIs()
    {
        var terminal = CliTerminal.Detect(Environment(("LC_ALL", "C"), ("LANG", "C.UTF-8")), isOutputRedirected: false, () => 80);

        terminal!.Unicode.Should().BeFalse("LC_ALL wins over LANG");
    }

    [Fact]
    public void Detect_WhenTheWidthIsUnknown_AssumesEightyColumns()
    {
        CliTerminal.Detect(Environment(("TERM", "xterm")), isOutputRedirected: false, () => 0)!.Width.Should().Be(CliTerminal.DefaultWidth);
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();
}
