using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace HostFactory.Cli.Protocol;

/// <summary>Writes protocol documents with the source-generated serializer.</summary>
internal static class ProtocolJson
{
    /// <summary>
    /// Indented, with the relaxed encoder: the answer is parsed by Host Factory, never embedded in HTML, so quotes and
    /// non-ASCII text stay readable (<c>'</c>, not <c>\u0027</c>) in messages operators read. Writing through a
    /// <see cref="Utf8JsonWriter"/> keeps the generated context's fast path (no options to build at run time).
    /// </summary>
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(object document)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            var context = ProtocolJsonContext.Default;
            switch (document)
            {
                case MessageAnswer answer:
                    JsonSerializer.Serialize(writer, answer, context.MessageAnswer);
                    break;
                case TemplatesAnswer answer:
                    JsonSerializer.Serialize(writer, answer, context.TemplatesAnswer);
                    break;
                case RequestAnswer answer:
                    JsonSerializer.Serialize(writer, answer, context.RequestAnswer);
                    break;
                case RequestStatusAnswer answer:
                    JsonSerializer.Serialize(writer, answer, context.RequestStatusAnswer);
                    break;
                case ReturnRequestsAnswer answer:
                    JsonSerializer.Serialize(writer, answer, context.ReturnRequestsAnswer);
                    break;
                default:
                    throw new ArgumentException($"{document.GetType().Name} is not a protocol document.", nameof(document));
            }
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the document and a newline.</summary>
    public static void Write(TextWriter output, object document)
    {
        output.Write(Serialize(document));
        output.Write('\n');
    }
}
