using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using System.Net.Sockets;

namespace HostFactory.Providers.Aws.Tests.Emulator;

/// <summary>One call the emulator answered.</summary>
/// <param name="Action">The EC2 action, or <c>ssm:GetParameter</c>.</param>
/// <param name="Parameters">Its parameters as sent.</param>
/// <param name="AccessKeyId">The access key id that signed it.</param>
/// <param name="Status">The HTTP status answered.</param>
public sealed record Ec2Call(string Action, QueryParameters Parameters, string AccessKeyId, int Status);

/// <summary>
/// An emulator of the EC2 API, built to AWS's public specification (the EC2 Query protocol, API version 2016-11-15,
/// and the Systems Manager JSON protocol's GetParameter), served over real HTTP on loopback (HttpListener) so the tests drive the real
/// AWSSDK.EC2 client through the provider's <c>serviceUrl</c>. It is not AWS: it implements the actions the
/// <c>aws-ec2</c> provider uses, their documented answers and errors, and checks each request's Signature Version 4
/// signature against the one pair of credentials it knows, as AWS would.
/// </summary>
public sealed partial class Ec2Emulator : IAsyncDisposable
{
    /// <summary>The access key id the emulator accepts (a made-up key in AWS's format, no real account's).</summary>
    public const string AccessKeyId = "AKIAEMULATOR0EXAMPLE";

    /// <summary>The secret of <see cref="AccessKeyId"/>; a test that finds it in any output has found a leak.</summary>
    public const string SecretAccessKey = "emulatorSecretKey/NEVER+LOGGED/0123456789abcdefEXAMPLE";

    private readonly HttpListener _listener;
    private readonly Task _serving;
    private readonly List<Ec2Call> _calls = [];
    private readonly CancellationTokenSource _stopping = new();

    private Ec2Emulator(HttpListener listener, Uri url)
    {
        _listener = listener;
        Url = url;
        _serving = ServeAsync();
    }

    /// <summary>The endpoint, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri Url { get; }

    /// <summary>The emulated account.</summary>
    public EmulatedCloud Cloud { get; } = new();

    /// <summary>Every call answered, in order.</summary>
    public IReadOnlyList<Ec2Call> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>How many calls of <paramref name="action"/> were answered.</summary>
    public int CallCount(string action) => Calls.Count(c => c.Action == action);

    /// <summary>Starts the emulator on a free loopback port.</summary>
    public static Task<Ec2Emulator> StartAsync()
    {
        // HttpListener cannot take port 0, so the kernel names a free port first; another process taking it in between
        // is told by the listener's start, and the next free port is tried.
        for (var attempt = 1; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var url = new Uri($"http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(url.ToString());
            try
            {
                listener.Start();
                return Task.FromResult(new Ec2Emulator(listener, url));
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();

        // Close alone, not Stop then Close: on Linux, Stop releases the port and Close then looks the endpoint up again,
        // binding the port anew to do so; when another socket had taken it in between, Close threw "Address already in
        // use" (seen once in a README test run).
        _listener.Close();
        await _serving;
        _stopping.Dispose();
    }

    private async Task ServeAsync()
    {
        var handlers = new List<Task>();
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }

            handlers.Add(HandleAsync(context));
        }

        try
        {
            await Task.WhenAll(handlers);
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or IOException)
        {
            // A client that went away (a timed-out SDK call) while its answer was written: nothing to answer any more.
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var target = context.Request.Headers["X-Amz-Target"] ?? string.Empty;
        var json = target.Length > 0;
        var query = json ? new QueryParameters(new Dictionary<string, string>()) : Form(body);
        var action = json ? $"ssm:{target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..]}" : query["Action"] ?? string.Empty;

        var (status, answer, key) = Authenticate(context.Request, body, json ? "ssm" : "ec2") is { } refusal
            ? (refusal.Status, ErrorBody(json, refusal), "?")
            : Answer(action, json, body, query);
        lock (_calls)
        {
            _calls.Add(new Ec2Call(action, query, key, status));
        }

        if (Cloud.NextHold(action) is { } gate)
        {
            // The work is done and recorded; only the answer is late, as when a client times out on a call AWS served.
            try
            {
                await gate.Task.WaitAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var bytes = Encoding.UTF8.GetBytes(answer);
        context.Response.StatusCode = status;
        context.Response.ContentType = json ? "application/x-amz-json-1.1" : "text/xml;charset=UTF-8";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private (int Status, string Body, string Key) Answer(string action, bool json, byte[] body, QueryParameters query)
    {
        try
        {
            if (Cloud.NextFault(action) is { } fault)
            {
                throw fault;
            }

            return (200, json ? Ssm(action, body) : Cloud.Locked(() => Ec2Actions.Run(action, query, Cloud)).ToString(SaveOptions.DisableFormatting), AccessKeyId);
        }
        catch (Ec2Fault fault)
        {
            return (fault.Status, ErrorBody(json, fault), AccessKeyId);
        }
    }

    private string Ssm(string action, byte[] body)
    {
        if (action != "ssm:GetParameter")
        {
            throw new Ec2Fault("InvalidAction", $"The emulator does not implement {action}.");
        }

        using var request = JsonDocument.Parse(body);
        var name = request.RootElement.GetProperty("Name").GetString()!;
        var value = Cloud.Locked(() => Cloud.Parameters.TryGetValue(name, out var found) ? found : null)
            ?? throw new Ec2Fault("ParameterNotFound", $"Parameter {name} not found.");
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Parameter"] = new Dictionary<string, object>
            {
                ["Name"] = name, ["Type"] = "String", ["Value"] = value, ["Version"] = 1, ["DataType"] = "aws:ec2:image",
                ["ARN"] = $"arn:aws:ssm:{EmulatedCloud.Region}::parameter{name}",
            },
        });
    }

    private static string ErrorBody(bool json, Ec2Fault fault) =>
        json
            ? JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = fault.Code, ["message"] = fault.Message })
            : Ec2Xml.Error(fault.Code, fault.Message).ToString(SaveOptions.DisableFormatting);

    /// <summary>Checks the Signature Version 4 signature as AWS does; returns the refusal, or null when the caller is who it says.</summary>
    private static Ec2Fault? Authenticate(HttpListenerRequest request, byte[] body, string service)
    {
        var header = request.Headers["Authorization"] ?? string.Empty;
        var match = AuthorizationPattern().Match(header);
        if (!match.Success)
        {
            return new Ec2Fault("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
        }

        var (key, _, region, scopeService, signedHeaders, signature) =
            (match.Groups["key"].Value, match.Groups["date"].Value, match.Groups["region"].Value, match.Groups["service"].Value, match.Groups["headers"].Value, match.Groups["signature"].Value);
        if (key != AccessKeyId || region != EmulatedCloud.Region || scopeService != service)
        {
            return new Ec2Fault("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
        }

        var headers = signedHeaders.Split(';').Select(name => (name, request.Headers[name] ?? string.Empty));
        var expected = SigV4.Signature(SecretAccessKey, request.HttpMethod, request.Url?.AbsolutePath ?? "/", headers, body, request.Headers["X-Amz-Date"] ?? string.Empty, region, service);
        return expected == signature ? null : new Ec2Fault("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
    }

    private static QueryParameters Form(byte[] body) =>
        new(Encoding.UTF8.GetString(body).Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : string.Empty, StringComparer.Ordinal));

    [GeneratedRegex("^AWS4-HMAC-SHA256 Credential=(?<key>[^/]+)/(?<date>[0-9]{8})/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request, ?SignedHeaders=(?<headers>[^,]+), ?Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();
}
