using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HostFactory.Cli.Protocol;

/// <summary>Writes protocol documents with the source-generated serializer.</summary>
internal static class ProtocolJson
{
    /// <summary>
    /// The generated context with the relaxed encoder: the answer is parsed by Host Factory, never embedded in HTML, so
    /// quotes and non-ASCII text stay readable (<c>'</c>, not <c>\u0027</c>) in messages operators read.
    /// </summary>
    private static readonly ProtocolJsonContext Context = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Serialize(object document) => document switch
    {
        MessageAnswer answer => JsonSerializer.Serialize(answer, Context.MessageAnswer),
        TemplatesAnswer answer => JsonSerializer.Serialize(answer, Context.TemplatesAnswer),
        RequestAnswer answer => JsonSerializer.Serialize(answer, Context.RequestAnswer),
        RequestStatusAnswer answer => JsonSerializer.Serialize(answer, Context.RequestStatusAnswer),
        ReturnRequestsAnswer answer => JsonSerializer.Serialize(answer, Context.ReturnRequestsAnswer),
        _ => throw new ArgumentException($"{document.GetType().Name} is not a protocol document.", nameof(document)),
    };

    /// <summary>Writes the document and a newline.</summary>
    public static void Write(TextWriter output, object document)
    {
        output.Write(Serialize(document));
        output.Write('\n');
    }
}
