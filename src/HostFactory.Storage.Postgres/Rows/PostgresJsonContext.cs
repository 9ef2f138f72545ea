using System.Text.Json.Serialization;

namespace HostFactory.Storage.Postgres.Rows;

/// <summary>An extra template attribute as its <c>json</c> element: <c>{"name": …, "kind": "String"|"Numeric", "value": …}</c>.</summary>
internal sealed record ExtraAttributeRow(string Name, string Kind, string Value);

/// <summary>The <c>json</c> columns' shapes, serialized without reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Dictionary<string, string?>))]
[JsonSerializable(typeof(ExtraAttributeRow[]))]
internal sealed partial class PostgresJsonContext : JsonSerializerContext;
