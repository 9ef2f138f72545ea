using HostFactory.Cli.Protocol;

namespace HostFactory.Cli.Tests;

/// <summary>The command lines run without building the command tree (what Host Factory's scripts pass), and those that are not.</summary>
public sealed class ScriptCallTests
{
    [Theory]
    [InlineData("getRequestStatus -f /tmp/in.json", "getRequestStatus", "/tmp/in.json", null)]
    [InlineData("requestMachines --file in.json", "requestMachines", "in.json", null)]
    [InlineData("getAvailableTemplates", "getAvailableTemplates", null, null)]
    [InlineData("--config /etc/hf getReturnRequests -f -", "getReturnRequests", "-", "/etc/hf")]
    [InlineData("requestReturnMachines -f in.json --config c.json", "requestReturnMachines", "in.json", "c.json")]
    public void TryParseScriptCall_WhenTheLineIsWhatAScriptPasses_ReadsIt(string line, string verb, string? file, string? config)
    {
        ProtocolVerbs.TryParseScriptCall(line.Split(' '), out var parsedVerb, out var parsedFile, out var parsedConfig).Should().BeTrue();

        (parsedVerb, parsedFile, parsedConfig).Should().Be((verb, file, config));
    }

    [Theory]
    [InlineData("getRequestStatus --help")]
    [InlineData("getRequestStatus -f")]
    [InlineData("getRequestStatus -f a -f b")]
    [InlineData("-f in.json getRequestStatus")]
    [InlineData("getRequestStatus extra")]
    [InlineData("templates list")]
    [InlineData("--config")]
    [InlineData("")]
    public void TryParseScriptCall_WhenTheLineIsAnythingElse_LeavesItToTheParser(string line)
    {
        ProtocolVerbs.TryParseScriptCall(line.Split(' ', StringSplitOptions.RemoveEmptyEntries), out _, out _, out _).Should().BeFalse();
    }
}
