using System.Buffers.Binary;
using System.Text;

namespace HostFactory.Cli.Resident;

/// <summary>What a client sends the resident process: a protocol call, or an operator's <see cref="ResidentControl"/>.</summary>
internal abstract record ResidentRequest;

/// <summary>An operator's request to the resident process itself (<c>hostfactory resident status|stop</c>).</summary>
/// <param name="Command"><see cref="Status"/> or <see cref="Stop"/>.</param>
internal sealed record ResidentControl(string Command) : ResidentRequest
{
    /// <summary>Answer with what the process is: the status bytes follow the accepted byte.</summary>
    public const string Status = "status";

    /// <summary>Stop taking calls, finish those in progress, and end; nothing follows the accepted byte.</summary>
    public const string Stop = "stop";
}

/// <summary>One protocol call as the client hands it to the resident process.</summary>
/// <param name="Verb">The protocol verb.</param>
/// <param name="ConfigPath">The <c>--config</c> value, made absolute by the client; null when not given.</param>
/// <param name="Source">How errors name the input: <c>'FILE'</c> or <c>stdin</c>.</param>
/// <param name="Input">The input bytes, as read by the client.</param>
internal sealed record ResidentCall(string Verb, string? ConfigPath, string Source, byte[] Input) : ResidentRequest;

/// <summary>What the call printed and returned.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">The bytes for stdout (the one JSON document).</param>
/// <param name="StandardError">The bytes for stderr (the one-line reason of a failure, if any).</param>
internal sealed record ResidentAnswer(int ExitCode, byte[] StandardOutput, byte[] StandardError);

/// <summary>
/// The bytes between the client and the resident process, all integers little-endian (int32 unless said):
/// call = <c>"HFR1"</c>, verb, config path (length -1 when null), source, input; then the resident process sends one
/// <see cref="Accepted"/> byte when it starts the call, and the answer = exit code, stdout, stderr. A client that sees
/// the connection end before that byte knows the call never ran. A control request = <c>"HFC1"</c>, command (see
/// <see cref="ResidentControl"/>); accepted the same way, the status's bytes follow (<c>ResidentStatus</c>). A resident
/// process older than control requests closes the connection before accepting one.
/// </summary>
internal static class ResidentFrames
{
    /// <summary>Sent by the resident process once it has read the call and is about to run it.</summary>
    public const byte Accepted = 0x06;

    /// <summary>The largest field accepted (an input is at most 1 MiB; an answer for many requests can be larger).</summary>
    public const int MaxFieldBytes = 256 * 1024 * 1024;

    private static readonly byte[] Magic = "HFR1"u8.ToArray();
    private static readonly byte[] ControlMagic = "HFC1"u8.ToArray();

    public static byte[] Encode(ResidentCall call)
    {
        var buffer = new MemoryStream(64 + call.Input.Length);
        buffer.Write(Magic);
        WriteString(buffer, call.Verb);
        WriteString(buffer, call.ConfigPath);
        WriteString(buffer, call.Source);
        WriteBytes(buffer, call.Input);
        return buffer.ToArray();
    }

    public static byte[] Encode(ResidentControl control)
    {
        var buffer = new MemoryStream(16);
        buffer.Write(ControlMagic);
        WriteString(buffer, control.Command);
        return buffer.ToArray();
    }

    public static byte[] Encode(ResidentAnswer answer)
    {
        var buffer = new MemoryStream(16 + answer.StandardOutput.Length + answer.StandardError.Length);
        WriteInt(buffer, answer.ExitCode);
        WriteBytes(buffer, answer.StandardOutput);
        WriteBytes(buffer, answer.StandardError);
        return buffer.ToArray();
    }

    /// <summary>Reads a call or a control request from the stream.</summary>
    /// <exception cref="InvalidDataException">The bytes are neither (wrong magic, a length out of range, cut short).</exception>
    public static async Task<ResidentRequest> ReadRequestAsync(Stream stream, CancellationToken cancellationToken)
    {
        var magic = await ReadExactlyAsync(stream, Magic.Length, cancellationToken);
        if (magic.AsSpan().SequenceEqual(ControlMagic))
        {
            return new ResidentControl(await ReadStringAsync(stream, cancellationToken) ?? throw new InvalidDataException("the control request has no command."));
        }

        if (!magic.AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a hostfactory resident call.");
        }

        var verb = await ReadStringAsync(stream, cancellationToken) ?? throw new InvalidDataException("the call has no verb.");
        var configPath = await ReadStringAsync(stream, cancellationToken);
        var source = await ReadStringAsync(stream, cancellationToken) ?? throw new InvalidDataException("the call has no input source.");
        var input = await ReadBytesAsync(stream, cancellationToken) ?? throw new InvalidDataException("the call has no input.");
        return new ResidentCall(verb, configPath, source, input);
    }

    /// <summary>Decodes an answer (everything the resident process sent after <see cref="Accepted"/>).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a whole answer.</exception>
    public static ResidentAnswer DecodeAnswer(ReadOnlySpan<byte> bytes)
    {
        var exitCode = ReadInt(ref bytes);
        var output = ReadField(ref bytes);
        var error = ReadField(ref bytes);
        return bytes.IsEmpty ? new ResidentAnswer(exitCode, output, error) : throw new InvalidDataException("the answer has trailing bytes.");
    }

    public static void WriteInt(Stream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    public static void WriteLong(Stream stream, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    public static void WriteBytes(Stream stream, byte[] value)
    {
        WriteInt(stream, value.Length);
        stream.Write(value);
    }

    public static void WriteString(Stream stream, string? value)
    {
        if (value is null)
        {
            WriteInt(stream, -1);
            return;
        }

        WriteBytes(stream, Encoding.UTF8.GetBytes(value));
    }

    public static int ReadInt(ref ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 4)
        {
            throw new InvalidDataException("the answer is cut short.");
        }

        var value = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        bytes = bytes[4..];
        return value;
    }

    public static long ReadLong(ref ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8)
        {
            throw new InvalidDataException("the answer is cut short.");
        }

        var value = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        bytes = bytes[8..];
        return value;
    }

    public static byte[] ReadField(ref ReadOnlySpan<byte> bytes)
    {
        var length = ReadInt(ref bytes);
        if (length < 0 || length > bytes.Length)
        {
            throw new InvalidDataException("the answer is cut short.");
        }

        var value = bytes[..length].ToArray();
        bytes = bytes[length..];
        return value;
    }

    public static string ReadString(ref ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(ReadField(ref bytes));

    private static async Task<string?> ReadStringAsync(Stream stream, CancellationToken cancellationToken) =>
        await ReadBytesAsync(stream, cancellationToken) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    private static async Task<byte[]?> ReadBytesAsync(Stream stream, CancellationToken cancellationToken)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(await ReadExactlyAsync(stream, 4, cancellationToken));
        return length switch
        {
            -1 => null,
            < -1 or > MaxFieldBytes => throw new InvalidDataException($"a field length of {length} bytes is out of range."),
            _ => await ReadExactlyAsync(stream, length, cancellationToken),
        };
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
        }
        catch (EndOfStreamException exception)
        {
            throw new InvalidDataException("the call is cut short.", exception);
        }

        return buffer;
    }
}
