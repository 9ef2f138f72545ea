using System.Text.Json;

namespace HostFactory.Cli.Protocol;

/// <summary>Writes protocol documents with the source-generated serializer.</summary>
internal static class ProtocolJson
{
    public static string Serialize(object document) => document switch
    {
        MessageAnswer answer => JsonSerializer.Serialize(answer, ProtocolJsonContext.Default.MessageAnswer),
        TemplatesAnswer answer => JsonSerializer.Serialize(answer, ProtocolJsonContext.Default.TemplatesAnswer),
        RequestAnswer answer => JsonSerializer.Serialize(answer, ProtocolJsonContext.Default.RequestAnswer),
        RequestStatusAnswer answer => JsonSerializer.Serialize(answer, ProtocolJsonContext.Default.RequestStatusAnswer),
        ReturnRequestsAnswer answer => JsonSerializer.Serialize(answer, ProtocolJsonContext.Default.ReturnRequestsAnswer),
        _ => throw new ArgumentException($"{document.GetType().Name} is not a protocol document.", nameof(document)),
    };

    /// <summary>Writes the document and a newline.</summary>
    public static void Write(TextWriter output, object document)
    {
        output.Write(Serialize(document));
        output.Write('\n');
    }
}
