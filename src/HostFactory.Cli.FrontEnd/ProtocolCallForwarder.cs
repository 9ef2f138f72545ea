using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using HostFactory.Cli.Protocol;
using HostFactory.Cli.Resident;
using HostFactory.Configuration;

namespace HostFactory.Cli.FrontEnd;

/// <summary>
/// One call of the front end: a protocol call as Host Factory's scripts make it goes to the resident process that serves
/// this installation and configuration, exactly as the full program's own client would hand it over (same endpoint,
/// same user check, same frames), and its answer is printed as the full program prints it. Anything else — another
/// command line, no resident process, a refused or lost call that may run again, an input that cannot be read — is
/// handed to the full program in this process's place (<see cref="FullProgram"/>), which answers it as it always has.
/// </summary>
internal static class ProtocolCallForwarder
{
    /// <summary>The full program's exit code for a call whose outcome is unknown (its <c>ExitCodes.InternalError</c>).</summary>
    private const int InternalError = 1;

    /// <summary>Indented, with the relaxed encoder: the bytes the full program writes for <c>{"message": …}</c>.</summary>
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Forwards or hands over the call; returns the exit code (a handed-over call never returns).</summary>
    public static int Run(string[] args)
    {
        if (!ProtocolVerbs.TryParseScriptCall(args, out var verb, out var file, out var configPath))
        {
            return FullProgram.Run(args, verb: null, standardInput: null);
        }

        HostFactoryPaths paths;
        string? absoluteConfigPath;
        try
        {
            paths = HostFactoryPathResolver.Resolve(
                Environment.GetEnvironmentVariable, configPath, HostFactoryPathResolver.DefaultConfigDirectory(AppContext.BaseDirectory));
            absoluteConfigPath = configPath is null ? null : Path.GetFullPath(configPath);
        }
        catch (Exception exception) when (exception is ArgumentException or IOException or UnauthorizedAccessException)
        {
            // A path the full program will refuse, naming what was wrong.
            return FullProgram.Run(args, verb, standardInput: null);
        }

        if (ResidentEndpoint.For(paths, Environment.GetEnvironmentVariable) is not { } endpoint)
        {
            return FullProgram.Run(args, verb, standardInput: null);
        }

        var fromStandardInput = file is null or "-";
        var input = fromStandardInput ? ReadStandardInput() : ReadFile(file!);
        var inputForFullProgram = fromStandardInput ? input : null;
        if (input is null || input.Length > ProtocolVerbs.MaxInputBytes)
        {
            // Unreadable or too large: the full program reads it again (stdin from what was read) and says why.
            return FullProgram.Run(args, verb, inputForFullProgram);
        }

        var (outcome, answer) = ResidentClient.Call(endpoint, new ResidentCall(verb, absoluteConfigPath, ProtocolVerbs.SourceOf(file), input));
        switch (outcome)
        {
            case ResidentOutcome.Answered:
                Write(Console.OpenStandardOutput(), answer!.StandardOutput);
                Write(Console.OpenStandardError(), answer.StandardError);
                return answer.ExitCode;
            case ResidentOutcome.Lost when !ProtocolVerbs.IsSafeToRepeat(verb):
                // Running it again could ask twice; the full program reports this case with these very words.
                Fail(verb, ResidentClient.LostMessage(verb, paths.LogDirectory));
                return InternalError;
            default:
                return FullProgram.Run(args, verb, inputForFullProgram);
        }
    }

    /// <summary>
    /// Reports a failure the way the full program reports a protocol verb's: <c>{"message": …}</c> on stdout and
    /// <c>hostfactory VERB: …</c> on stderr.
    /// </summary>
    public static void Fail(string? verb, string message)
    {
        if (verb is not null)
        {
            var json = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(json, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("message", message);
                writer.WriteEndObject();
            }

            Write(Console.OpenStandardOutput(), [.. json.WrittenSpan, (byte)'\n']);
        }

        var prefix = verb is null ? "hostfactory" : $"hostfactory {verb}";
        Write(Console.OpenStandardError(), Encoding.UTF8.GetBytes($"{prefix}: {message}\n"));
    }

    private static void Write(Stream stream, ReadOnlySpan<byte> bytes)
    {
        using (stream)
        {
            stream.Write(bytes);
            stream.Flush();
        }
    }

    /// <summary>Stdin, read to its end or to one chunk past the limit (a longer input is refused by the full program); null when the read fails.</summary>
    private static byte[]? ReadStandardInput()
    {
        try
        {
            using var stream = Console.OpenStandardInput();
            return ReadLimited(stream);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The file's bytes (up to one chunk past the limit), or null when it cannot be read.</summary>
    private static byte[]? ReadFile(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            return ReadLimited(stream);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static byte[] ReadLimited(Stream stream)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.Length <= ProtocolVerbs.MaxInputBytes && (read = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
