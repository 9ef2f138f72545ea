using System.Text;
using HostFactory.Cli.Tests.Support;

namespace HostFactory.Cli.Tests;

/// <summary>
/// The front end (hostfactory-frontend, src/HostFactory.Cli.FrontEnd), which the installed scripts run: it forwards a
/// protocol call to the resident process, or execs the full program in its place, and either way the caller sees what
/// the full program run directly shows. Here it runs as its build's apphost (JIT, the same code the Native AOT publish
/// compiles); tests/HostFactory.Cli.Benchmarks/measure-startup.sh publishes and times the Native AOT one. Every test
/// that runs an installed script goes through it too.
/// </summary>
public sealed class FrontEndTests
{
    private const string UnknownStatus = """{"requests": [{"requestId": "req-00000000-0000-4000-8000-000000000000"}]}""";

    private static string FrontEnd => Path.Combine(CliProcess.InstallationDirectory, "hostfactory-frontend");

    [Theory]
    [InlineData("getAvailableTemplates", "{}")]
    [InlineData("getRequestStatus", UnknownStatus)]
    [InlineData("getRequestStatus", "{\"requests\": [}")]
    [InlineData("requestMachines", "{\"template\": {\"templateId\": \"no-such-template\", \"machineCount\": 1}}")]
    public async Task ProtocolCall_WhenNoResidentProcessServes_IsAnsweredByTheFullProgramAsIfRunDirectly(string verb, string input)
    {
        await using var hf = await HostFactoryInstallation.CreateAsync();
        var file = Path.Combine(hf.Root, "input.json");
        await File.WriteAllTextAsync(file, input);

        var throughFrontEnd = await CliProcess.StartAsync(FrontEnd, [verb, "-f", file], hf.Environment, standardInput: null);
        var direct = await hf.RunCliAsync(verb, "-f", file);

        ShouldShowTheSame(throughFrontEnd, direct);
    }

    [Theory]
    [InlineData("getAvailableTemplates", "{}")]
    [InlineData("getRequestStatus", UnknownStatus)]
    [InlineData("getRequestStatus", "{\"requests\": [}")]
    [InlineData("requestMachines", "{\"template\": {\"templateId\": \"e2e-vm\", \"machineCount\": 0}}")]
    public async Task ProtocolCall_WhenTheResidentProcessServes_PrintsWhatTheFullProgramPrints(string verb, string input)
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);
        await hf.AnswerAsync("getAvailableTemplates", "{}");
        var resident = await hf.WaitForResidentAsync();
        var file = Path.Combine(hf.Root, "input.json");
        await File.WriteAllTextAsync(file, input);

        var throughFrontEnd = await CliProcess.StartAsync(FrontEnd, [verb, "-f", file], hf.Environment, standardInput: null);
        var direct = await hf.RunCliAsync(verb, "-f", file);

        ShouldShowTheSame(throughFrontEnd, direct);
        var log = await File.ReadAllLinesAsync(hf.LogFile);
        log.Count(line => line.Contains($"Resident process {resident} served {verb}", StringComparison.Ordinal)).Should().BeGreaterThanOrEqualTo(2, "both calls were served by the resident process");
    }

    [Fact]
    public async Task ProtocolCall_WhenStdinWasReadAndNoResidentProcessServes_TheFullProgramReadsTheSameInputAndStartsOne()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);

        var first = await CliProcess.StartAsync(FrontEnd, ["getRequestStatus"], hf.Environment, Encoding.UTF8.GetBytes(UnknownStatus));

        first.ExitCode.Should().Be(0, first.ToString());
        Json.Parse(first.StandardOutput).GetProperty("requests")[0].GetProperty("status").GetString().Should().Be("complete_with_error");
        await hf.WaitForResidentAsync();
    }

    [Fact]
    public async Task ProtocolCall_WhenStdinIsOverTheLimit_IsRefusedAsTheFullProgramRefusesIt()
    {
        await using var hf = await HostFactoryInstallation.CreateAsync(resident: true);
        await hf.AnswerAsync("getAvailableTemplates", "{}");
        await hf.WaitForResidentAsync();
        var huge = Encoding.UTF8.GetBytes(new string(' ', 3 * 1024 * 1024));

        var throughFrontEnd = await CliProcess.StartAsync(FrontEnd, ["requestMachines"], hf.Environment, huge);
        var direct = await CliProcess.RunWithInputAsync(hf.Environment, huge, "requestMachines");

        ShouldShowTheSame(throughFrontEnd, direct);
        throughFrontEnd.ExitCode.Should().Be(2);
        throughFrontEnd.StandardOutput.Should().Contain("larger than the limit of 1048576 bytes");
    }

    [Theory]
    [InlineData("templates", "list", "--format", "json")]
    [InlineData("getRequestStatus", "--help")]
    [InlineData("no-such-verb")]
    public async Task CommandLine_WhenNotAProtocolCall_IsRunByTheFullProgram(params string[] arguments)
    {
        await using var hf = await HostFactoryInstallation.CreateAsync();

        var throughFrontEnd = await CliProcess.StartAsync(FrontEnd, arguments, hf.Environment, standardInput: null);
        var direct = await hf.RunCliAsync(arguments);

        ShouldShowTheSame(throughFrontEnd, direct);
    }

    private static void ShouldShowTheSame(CliResult throughFrontEnd, CliResult direct)
    {
        throughFrontEnd.ExitCode.Should().Be(direct.ExitCode, throughFrontEnd.ToString());
        throughFrontEnd.StandardOutput.Should().Be(direct.StandardOutput);
        throughFrontEnd.StandardError.Should().Be(direct.StandardError);
    }
}
