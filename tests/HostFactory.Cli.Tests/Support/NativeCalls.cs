using System.Text.Json;

namespace HostFactory.Cli.Tests.Support;

/// <summary>
/// Protocol calls to the programs of a <see cref="NativeBuild"/> installation, made as the scripts make them (<c>VERB -f
/// FILE</c>): one program alone, or the native build and <c>hostfactory</c> on the same input, shown to answer alike.
/// </summary>
public static class NativeCalls
{
    private static readonly TimeSpan CompletionDeadline = TimeSpan.FromSeconds(60);

    /// <summary>The <c>getRequestStatus</c> input asking for <paramref name="requestId"/>.</summary>
    public static string Status(string requestId) => $$"""{"requests": [{"requestId": "{{requestId}}"}]}""";

    /// <summary>Runs <paramref name="program"/> <paramref name="verb"/> on <paramref name="input"/>, written to a file of its own.</summary>
    public static async Task<CliResult> RunAsync(string program, HostFactoryInstallation hf, string verb, string input) =>
        await CliProcess.StartAsync(program, [verb, "-f", await InputFileAsync(hf, input)], hf.Environment, standardInput: null);

    /// <summary>Runs the native build, then <c>hostfactory</c>, on one input file; asserts they show the same; the native build's result.</summary>
    public static async Task<CliResult> BothShowTheSameAsync(NativeBuild native, HostFactoryInstallation hf, string verb, string input)
    {
        var file = await InputFileAsync(hf, input);
        var fromNative = await CliProcess.StartAsync(native.Native, [verb, "-f", file], hf.Environment, standardInput: null);
        var fromFull = await CliProcess.StartAsync(native.Full, [verb, "-f", file], hf.Environment, standardInput: null);
        ShouldShowTheSame(fromNative, fromFull);
        return fromNative;
    }

    /// <summary>The same exit code, stdout and stderr, byte for byte.</summary>
    public static void ShouldShowTheSame(CliResult fromNative, CliResult fromFull)
    {
        fromNative.ExitCode.Should().Be(fromFull.ExitCode, fromNative.ToString());
        fromNative.StandardOutput.Should().Be(fromFull.StandardOutput);
        fromNative.StandardError.Should().Be(fromFull.StandardError);
    }

    /// <summary>Polls with the native build (its status calls move a request on) until the one request asked by <paramref name="status"/> is complete; that request.</summary>
    public static async Task<JsonElement> WaitUntilCompleteAsync(NativeBuild native, HostFactoryInstallation hf, string status)
    {
        var deadline = DateTime.UtcNow + CompletionDeadline;
        while (true)
        {
            var answer = await RunAsync(native.Native, hf, "getRequestStatus", status);
            answer.ExitCode.Should().Be(0, answer.ToString());
            var request = Json.Parse(answer.StandardOutput).GetProperty("requests")[0];
            if (request.GetProperty("status").GetString() == "complete")
            {
                return request;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, $"the request should complete; it is {request}");
            await Task.Delay(200);
        }
    }

    private static async Task<string> InputFileAsync(HostFactoryInstallation hf, string input)
    {
        var file = Path.Combine(hf.Root, $"input-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, input);
        return file;
    }
}
