using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HostFactory.Storage.Json.Documents;

/// <summary>
/// The one serializer configuration of the data directory: camelCase, indented for people who inspect the files,
/// nulls honoured against the documents' annotations, times as ISO-8601 UTC and durations as ISO-8601 durations.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    Converters = [typeof(UtcTimestampConverter), typeof(NullableUtcTimestampConverter), typeof(IsoDurationConverter)])]
[JsonSerializable(typeof(TemplateDocument))]
[JsonSerializable(typeof(TemplateTombstoneDocument))]
[JsonSerializable(typeof(RequestDocument))]
[JsonSerializable(typeof(MachineDocument))]
[JsonSerializable(typeof(LayoutDocument))]
[JsonSerializable(typeof(IntentDocument))]
[JsonSerializable(typeof(BatchDocument))]
internal sealed partial class StorageJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context every file is read and written with: <see cref="JsonSerializerContext"/>'s default encoder escapes
    /// quotes and non-ASCII letters for HTML safety (<c>\u0022ami-1\u0022</c>); these files are never embedded in HTML,
    /// and people read them, so only what JSON requires is escaped.
    /// </summary>
    public static StorageJsonContext Files => LazyInitializer.EnsureInitialized(ref _files, CreateFiles);

    // Lazy rather than a static initializer: the generated Default lives in another part of this class, and the
    // order in which parts initialise their statics is not defined.
    private static StorageJsonContext? _files;

    private static StorageJsonContext CreateFiles() =>
        new(new JsonSerializerOptions(Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
