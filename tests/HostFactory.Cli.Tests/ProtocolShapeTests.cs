using HostFactory.Cli.Tests.Support;

namespace HostFactory.Cli.Tests;

/// <summary>The shape checker itself: it must catch what drifts from the protocol, or the golden-shape tests prove nothing.</summary>
public sealed class ProtocolShapeTests
{
    private const string GoodMachine =
        """{"machineId": "m-1", "name": "h", "result": "succeed", "status": "running", "privateIpAddress": "10.0.0.1", "publicIpAddress": null, "launchtime": 1734619942, "message": ""}""";

    [Fact]
    public void RequestStatus_WhenTheAnswerIsToTheLetter_FindsNothing()
    {
        ProtocolShape.RequestStatus(Json.Parse($$"""{"requests": [{"requestId": "req-1", "status": "running", "message": "", "machines": [{{GoodMachine}}]}]}"""))
            .Should().BeEmpty();
    }

    [Theory]
    [InlineData("\"Status\": \"running\"", "Status")]
    [InlineData("\"status\": \"completed\"", "completed")]
    [InlineData("\"status\": \"running\", \"machines\": 3", "machines")]
    public void RequestStatus_WhenARequestDrifts_ReportsIt(string fields, string expected)
    {
        var answer = Json.Parse($$"""{"requests": [{"requestId": "req-1", "message": "", {{fields}}{{(fields.Contains("machines") ? "" : ", \"machines\": []")}}}]}""");

        ProtocolShape.RequestStatus(answer).Should().Contain(p => p.Contains(expected));
    }

    [Theory]
    [InlineData("\"launchtime\": 1734619942", "\"launchtime\": \"2024-12-19\"", "launchtime")]
    [InlineData("\"launchtime\": 1734619942", "\"launchtime\": 1734619942000", "epoch seconds")]
    [InlineData("\"result\": \"succeed\"", "\"result\": \"success\"", "success")]
    [InlineData("\"result\": \"succeed\", \"status\": \"running\"", "\"result\": \"fail\", \"status\": \"running\"", "mandatory when result is fail")]
    [InlineData("\"status\": \"running\"", "\"status\": \"failed\"", "failed")]
    [InlineData("\"machineId\": \"m-1\"", "\"MachineId\": \"m-1\"", "MachineId")]
    [InlineData("\"privateIpAddress\": \"10.0.0.1\", ", "", "privateIpAddress")]
    public void RequestStatus_WhenAMachineDrifts_ReportsIt(string good, string bad, string expected)
    {
        var machine = GoodMachine.Replace(good, bad, StringComparison.Ordinal);
        var answer = Json.Parse($$"""{"requests": [{"requestId": "req-1", "status": "running", "message": "", "machines": [{{machine}}]}]}""");

        ProtocolShape.RequestStatus(answer).Should().Contain(p => p.Contains(expected));
    }

    [Theory]
    [InlineData("""{"message": "m", "templates": [{"templateId": "t", "maxNumber": 1}]}""", "attributes is mandatory")]
    [InlineData("""{"message": "m", "templates": [{"templateId": "t", "maxNumber": 1, "attributes": {"type": "X86_64", "ncpus": ["Numeric", "1"], "nram": ["Numeric", "1"]}}]}""", "two-element array")]
    [InlineData("""{"message": "m", "templates": [{"templateId": "t", "maxNumber": 1, "attributes": {"type": ["String", "X"], "ncpus": ["Numeric", 1], "nram": ["Numeric", "1"]}}]}""", "two-element array of strings")]
    [InlineData("""{"message": "m", "templates": [{"templateId": "t", "maxNumber": 1, "attributes": {"type": ["String", "X"], "nram": ["Numeric", "1"]}}]}""", "ncpus is mandatory")]
    [InlineData("""{"message": "m", "templates": [{"templateId": "t", "maxNumber": 1, "attributes": {"type": ["Text", "X"], "ncpus": ["Numeric", "1"], "nram": ["Numeric", "1"]}}]}""", "Text")]
    [InlineData("""{"message": "m", "templates": [{"templateId": "t t", "maxNumber": 1, "attributes": {"type": ["String", "X"], "ncpus": ["Numeric", "1"], "nram": ["Numeric", "1"]}}]}""", "templateId")]
    [InlineData("""{"message": "m", "templates": [{"templateId": "t", "maxNumber": 20000, "attributes": {"type": ["String", "X"], "ncpus": ["Numeric", "1"], "nram": ["Numeric", "1"]}}]}""", "maxNumber")]
    [InlineData("""{"message": "m", "templates": [{"TemplateId": "t", "templateId": "t", "maxNumber": 1, "attributes": {"type": ["String", "X"], "ncpus": ["Numeric", "1"], "nram": ["Numeric", "1"]}}]}""", "casing")]
    public void Templates_WhenATemplateDrifts_ReportsIt(string json, string expected)
    {
        ProtocolShape.Templates(Json.Parse(json)).Should().Contain(p => p.Contains(expected));
    }

    [Theory]
    [InlineData("""{"status": "complete", "message": "m", "requests": [{"machine": "h", "gracePeriod": -1}]}""", "negative")]
    [InlineData("""{"status": "done", "message": "m", "requests": []}""", "done")]
    [InlineData("""{"status": "complete", "message": "m", "requests": [{"name": "h", "gracePeriod": 0}]}""", "machine is mandatory")]
    public void ReturnRequests_WhenTheAnswerDrifts_ReportsIt(string json, string expected)
    {
        ProtocolShape.ReturnRequests(Json.Parse(json)).Should().Contain(p => p.Contains(expected));
    }

    [Fact]
    public void FailureAndAccepted_WhenFieldsAreMissingOrExtra_ReportThem()
    {
        ProtocolShape.Failure(Json.Parse("""{"message": "x", "requestId": "req-1"}""")).Should().Contain(p => p.Contains("requestId"));
        ProtocolShape.Failure(Json.Parse("""{"message": ""}""")).Should().Contain(p => p.Contains("empty"));
        ProtocolShape.RequestAccepted(Json.Parse("""{"requestId": "ret-1", "message": "x"}"""), "req-").Should().Contain(p => p.Contains("req-"));
        ProtocolShape.RequestAccepted(Json.Parse("""{"message": "x"}"""), "req-").Should().Contain(p => p.Contains("requestId is mandatory"));
    }
}
