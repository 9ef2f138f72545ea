using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;
using HostFactory.Providers.Aws.Tests.Emulator;

namespace HostFactory.Providers.Aws.Tests;

/// <summary>
/// The emulator's own promises that the provider's tests do not reach: CreateTags, DescribeInstances' documented
/// errors, and the refusal of a request that is not signed by the credentials it knows. These are raw, signed EC2
/// Query requests, written as the EC2 API Reference shows them.
/// </summary>
public sealed class EmulatorTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private Ec2Emulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await Ec2Emulator.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task CreateTags_WhenTheInstanceExists_TagsItAndAnswersTrue()
    {
        var id = XDocument.Parse(await SendAsync("Action=RunInstances&Version=2016-11-15&ImageId=ami-0a1b2c3d4e5f60718&MinCount=1&MaxCount=1"))
            .Descendants(Ec2Xml.Ns + "instanceId").First().Value;

        var answer = XDocument.Parse(await SendAsync($"Action=CreateTags&Version=2016-11-15&ResourceId.1={id}&Tag.1.Key=Name&Tag.1.Value=worker-1"));

        answer.Root!.Name.Should().Be(Ec2Xml.Ns + "CreateTagsResponse");
        answer.Root.Element(Ec2Xml.Ns + "return")!.Value.Should().Be("true");
        _emulator.Cloud.Instance(id).Tags.Should().Contain("Name", "worker-1");
    }

    [Fact]
    public async Task CreateTags_WhenTheInstanceIsUnknown_AnswersTheDocumentedError()
    {
        var answer = await SendAsync("Action=CreateTags&Version=2016-11-15&ResourceId.1=i-0123456789abcdef0&Tag.1.Key=a&Tag.1.Value=b", HttpStatusCode.BadRequest);

        var error = XDocument.Parse(answer).Root!.Element("Errors")!.Element("Error")!;
        error.Element("Code")!.Value.Should().Be("InvalidInstanceID.NotFound");
    }

    [Fact]
    public async Task DescribeInstances_WhenInstanceIdsAndMaxResultsAreCombined_RefusesAsEc2Does()
    {
        var answer = await SendAsync("Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0&MaxResults=5", HttpStatusCode.BadRequest);

        XDocument.Parse(answer).Root!.Element("Errors")!.Element("Error")!.Element("Code")!.Value.Should().Be("InvalidParameterCombination");
    }

    [Fact]
    public async Task AnyAction_WhenTheSignatureIsNotFromTheKnownSecret_IsRefusedWithAuthFailure()
    {
        var answer = await SendAsync("Action=DescribeInstances&Version=2016-11-15", HttpStatusCode.Unauthorized, secret: "another-secret");

        XDocument.Parse(answer).Root!.Element("Errors")!.Element("Error")!.Element("Code")!.Value.Should().Be("AuthFailure");
        _emulator.Calls.Single().Status.Should().Be(401);
    }

    private async Task<string> SendAsync(string form, HttpStatusCode expected = HttpStatusCode.OK, string secret = Ec2Emulator.SecretAccessKey)
    {
        var body = Encoding.UTF8.GetBytes(form);
        var amzDate = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";
        var host = $"{_emulator.Url.Host}:{_emulator.Url.Port.ToString(CultureInfo.InvariantCulture)}";
        var signature = SigV4.Signature(secret, "POST", "/", [("content-type", ContentType), ("host", host), ("x-amz-date", amzDate)], body, amzDate, EmulatedCloud.Region, "ec2");
        using var request = new HttpRequestMessage(HttpMethod.Post, _emulator.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={Ec2Emulator.AccessKeyId}/{amzDate[..8]}/{EmulatedCloud.Region}/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature={signature}");
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, text);
        return text;
    }
}
