using System.Text;
using System.Text.Json;
using HostFactory.Cli.Tests.Support;

namespace HostFactory.Cli.Tests;

/// <summary>
/// Bad input to every protocol verb: each gets <c>{"message": "…"}</c> on stdout naming the problem, one line on
/// stderr, a non-zero exit code (2 for bad input, 3 for a refusal), no stack trace, and leaves the store as it was.
/// </summary>
public sealed class BadInputTests(BadInputTests.Installation fixture) : IClassFixture<BadInputTests.Installation>
{
    private const int BadInput = 2;
    private const int Refused = 3;

    public static TheoryData<string, string, int, string> Cases() => new()
    {
        // Invalid JSON, for every verb.
        { "getAvailableTemplates", "{\"oops\": ", BadInput, "not valid JSON" },
        { "requestMachines", "{\"template\": {\"templateId\": \"e2e-vm\", \"machineCount\": 1}", BadInput, "not valid JSON" },
        { "requestReturnMachines", "{machines: []}", BadInput, "not valid JSON" },
        { "getRequestStatus", "{\"requests\": [}", BadInput, "not valid JSON" },
        { "getReturnRequests", "not json at all", BadInput, "not valid JSON" },

        // A wrong shape.
        { "getAvailableTemplates", "[]", BadInput, "must be a JSON object" },
        { "requestMachines", "{\"template\": \"e2e-vm\"}", BadInput, "template must be an object" },
        { "requestMachines", "{\"template\": {\"templateId\": 7, \"machineCount\": 1}}", BadInput, "template.templateId must be a string" },
        { "requestMachines", "{\"template\": {\"templateId\": \"e2e-vm\", \"machineCount\": \"two\"}}", BadInput, "template.machineCount must be a whole number" },
        { "requestMachines", "{\"template\": {\"templateId\": \"e2e-vm\", \"machineCount\": 1.5}}", BadInput, "template.machineCount must be a whole number" },
        { "requestReturnMachines", "{\"machines\": \"host-a\"}", BadInput, "machines must be a list of objects" },
        { "requestReturnMachines", "{\"machines\": [\"host-a\"]}", BadInput, "machines[0] must be an object" },
        { "getRequestStatus", "{\"requests\": \"req-1\"}", BadInput, "requests must be a list of objects" },
        { "getRequestStatus", "{\"requests\": [{\"requestId\": 12}]}", BadInput, "requests[0].requestId must be a string" },
        { "getReturnRequests", "{\"machines\": 3}", BadInput, "machines must be a list of objects" },
        { "getReturnRequests", "[{\"name\": \"a\"}]", BadInput, "must be a JSON object" },

        // A missing mandatory field (field names are case-sensitive).
        { "requestMachines", "{}", BadInput, "template is required" },
        { "requestMachines", "{\"Template\": {\"templateId\": \"e2e-vm\", \"machineCount\": 1}}", BadInput, "template is required" },
        { "requestMachines", "{\"template\": {\"machineCount\": 1}}", BadInput, "template.templateId is required" },
        { "requestMachines", "{\"template\": {\"templateId\": \"e2e-vm\"}}", BadInput, "template.machineCount is required" },
        { "requestReturnMachines", "{}", BadInput, "machines is required" },
        { "requestReturnMachines", "{\"machines\": []}", BadInput, "machines is empty" },
        { "requestReturnMachines", "{\"machines\": [{\"machineId\": \"m-1\"}]}", BadInput, "machines[0].name is required" },
        { "getRequestStatus", "{}", BadInput, "requests is required" },
        { "getRequestStatus", "{\"requests\": []}", BadInput, "requests is empty" },
        { "getRequestStatus", "{\"requests\": [{\"id\": \"req-1\"}]}", BadInput, "requests[0].requestId is required" },
        { "getReturnRequests", "{\"machines\": [{\"machineId\": \"m-1\"}]}", BadInput, "machines[0].name is required" },

        // Empty input where a request is needed.
        { "requestMachines", "", BadInput, "is empty" },
        { "getRequestStatus", "  \n", BadInput, "is empty" },

        // Unknown, disabled or badly named template; counts out of range.
        { "requestMachines", "{\"template\": {\"templateId\": \"no-such-template\", \"machineCount\": 1}}", Refused, "no-such-template" },
        { "requestMachines", "{\"template\": {\"templateId\": \"e2e-off\", \"machineCount\": 1}}", Refused, "disabled" },
        { "requestMachines", "{\"template\": {\"templateId\": \"bad id!\", \"machineCount\": 1}}", BadInput, "bad id!" },
        { "requestMachines", "{\"template\": {\"templateId\": \"e2e-vm\", \"machineCount\": 0}}", BadInput, "machineCount must be at least 1, was 0" },
        { "requestMachines", "{\"template\": {\"templateId\": \"e2e-vm\", \"machineCount\": -3}}", BadInput, "machineCount must be at least 1, was -3" },
        { "requestMachines", "{\"template\": {\"templateId\": \"e2e-small\", \"machineCount\": 3}}", Refused, "2 more can be provisioned, not 3" },
        { "requestMachines", "{\"template\": {\"templateId\": \"e2e-vm\", \"machineCount\": 20000}}", BadInput, "machineCount must be at most 10000 (the most one call can request), was 20000" },
        { "requestMachines", "{\"template\": {\"templateId\": \"e2e-vm\", \"machineCount\": 99999999999}}", BadInput, "machineCount must be at most 10000 (the most one call can request), was 99999999999" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Verb_WhenTheInputIsBad_AnswersAMessageAndChangesNothing(string verb, string input, int exitCode, string expected)
    {
        var before = fixture.Hf.StoreSnapshot();

        var result = await fixture.Hf.RunScriptAsync(verb, input);

        AssertRefused(result, exitCode, expected);
        fixture.Hf.StoreSnapshot().Should().Equal(before, "bad input must not change the store");
    }

    [Theory]
    [InlineData("getAvailableTemplates")]
    [InlineData("requestMachines")]
    [InlineData("requestReturnMachines")]
    [InlineData("getRequestStatus")]
    [InlineData("getReturnRequests")]
    public async Task Verb_WhenTheInputFileIsOverOneMebibyte_RefusesItUnread(string verb)
    {
        var before = fixture.Hf.StoreSnapshot();
        // Valid JSON, so only the size can be the reason.
        var huge = "{\"padding\": \"" + new string('x', 1024 * 1024) + "\"}";

        var result = await fixture.Hf.RunScriptAsync(verb, huge);

        AssertRefused(result, BadInput, "larger than the limit of 1048576 bytes");
        fixture.Hf.StoreSnapshot().Should().Equal(before);
    }

    [Fact]
    public async Task RequestMachines_WhenStdinIsOverOneMebibyte_RefusesIt()
    {
        var before = fixture.Hf.StoreSnapshot();

        var result = await CliProcess.RunWithInputAsync(fixture.Hf.Environment, Encoding.UTF8.GetBytes(new string(' ', 3 * 1024 * 1024)), "requestMachines");

        AssertRefused(result, BadInput, "stdin");
        fixture.Hf.StoreSnapshot().Should().Equal(before);
    }

    [Theory]
    [InlineData("requestMachines")]
    [InlineData("getRequestStatus")]
    public async Task Verb_WhenTheInputFileDoesNotExist_SaysSo(string verb)
    {
        var missing = Path.Combine(fixture.Hf.Root, "no-such-input.json");

        var result = await CliProcess.StartAsync(Path.Combine(fixture.Hf.ScriptsDirectory, $"{verb}.sh"), ["-f", missing], fixture.Hf.Environment, null);

        AssertRefused(result, BadInput, "does not exist");
    }

    [Fact]
    public async Task Verb_WhenTheInputFileIsADirectory_SaysSoAndChangesNothing()
    {
        var before = fixture.Hf.StoreSnapshot();

        var result = await CliProcess.StartAsync(
            Path.Combine(fixture.Hf.ScriptsDirectory, "requestMachines.sh"), ["-f", fixture.Hf.Root], fixture.Hf.Environment, null);

        AssertRefused(result, BadInput, $"The input file '{fixture.Hf.Root}' is a directory");
        fixture.Hf.StoreSnapshot().Should().Equal(before);
    }

    [Fact]
    public async Task Verb_WhenTheCommandLineIsWrong_AnswersAMessage()
    {
        var result = await fixture.Hf.RunCliAsync("getRequestStatus", "--no-such-option");

        AssertRefused(result, BadInput, "--no-such-option");
    }

    [Fact]
    public async Task GetRequestStatus_WhenIdsAreUnknownOrMalformed_AnswersEachOneWithoutFailing()
    {
        var before = fixture.Hf.StoreSnapshot();

        var result = await fixture.Hf.RunScriptAsync("getRequestStatus",
            """{"requests": [{"requestId": "req-11111111-1111-4111-8111-111111111111"}, {"requestId": "ret-22222222-2222-4222-8222-222222222222"}, {"requestId": "garbage"}]}""");

        result.ExitCode.Should().Be(0, result.ToString());
        var answer = Json.Parse(result.StandardOutput);
        ProtocolShape.RequestStatus(answer).Should().BeEmpty();
        var entries = answer.GetProperty("requests").EnumerateArray().ToList();
        entries.Should().HaveCount(3).And.OnlyContain(e => e.GetProperty("status").GetString() == "complete_with_error");
        entries[0].GetProperty("message").GetString().Should().Contain("does not exist");
        entries[2].GetProperty("message").GetString().Should().Contain("'garbage' is not a request id");
        fixture.Hf.StoreSnapshot().Should().Equal(before);
    }

    private static void AssertRefused(CliResult result, int exitCode, string expected)
    {
        result.ExitCode.Should().Be(exitCode, result.ToString());
        var answer = Json.Parse(result.StandardOutput);
        ProtocolShape.Failure(answer).Should().BeEmpty(result.ToString());
        answer.GetProperty("message").GetString().Should().Contain(expected);
        result.ErrorLines.Should().ContainSingle("the reason is one line on stderr: {0}", result.StandardError)
            .Which.Should().Contain(expected);
        (result.StandardOutput + result.StandardError).Should().NotContain("   at ", "no stack trace");
    }

    /// <summary>One installation for every case, with the templates imported and the store created (by one call).</summary>
    public sealed class Installation : IAsyncLifetime
    {
        public HostFactoryInstallation Hf { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Hf = await HostFactoryInstallation.CreateAsync();
            var templates = await Hf.RunScriptAsync("getAvailableTemplates", "{}");
            templates.ExitCode.Should().Be(0, templates.ToString());
            Json.Parse(templates.StandardOutput).GetProperty("templates").ValueKind.Should().Be(JsonValueKind.Array);
        }

        public async Task DisposeAsync() => await Hf.DisposeAsync();
    }
}
