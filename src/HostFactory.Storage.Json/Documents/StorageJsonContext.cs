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
internal sealed partial class StorageJsonContext : JsonSerializerContext;
