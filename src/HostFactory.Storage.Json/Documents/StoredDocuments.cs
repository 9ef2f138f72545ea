using System.Text.Json.Serialization;

namespace HostFactory.Storage.Json.Documents;

/// <summary>What every aggregate document carries, so one save pipeline serves all three kinds.</summary>
internal interface IStoredDocument
{
    /// <summary>The layout version the document was written with; see <see cref="StorageSchema"/>.</summary>
    int SchemaVersion { get; }

    /// <summary>The aggregate id; equal to the file name without <c>.json</c>.</summary>
    string Id { get; }

    /// <summary>The optimistic-concurrency version, 1 for the first save.</summary>
    long Version { get; }
}

/// <summary>The schema version this build reads and writes.</summary>
internal static class StorageSchema
{
    public const int Current = 1;
}

/// <summary><c>templates/&lt;id&gt;.json</c>.</summary>
internal sealed class TemplateDocument : IStoredDocument
{
    public required int SchemaVersion { get; init; }

    public required string Id { get; init; }

    public required long Version { get; init; }

    public required string ProviderName { get; init; }

    public required int MaxNumber { get; init; }

    public required TemplateAttributesDocument Attributes { get; init; }

    /// <summary>Each key with the raw JSON text of its value, kept as a string so the text round-trips byte for byte.</summary>
    public required Dictionary<string, string?> ProviderSettings { get; init; }

    public required bool Enabled { get; init; }

    /// <summary>ISO-8601 duration, e.g. <c>PT30M</c>.</summary>
    public required TimeSpan RequestTimeout { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The <c>attributes</c> object of a template document, in Host Factory's attribute names.</summary>
internal sealed class TemplateAttributesDocument
{
    public required string Type { get; init; }

    public int? Ncpus { get; init; }

    public int? Ncores { get; init; }

    public required int Nram { get; init; }

    public int? Rank { get; init; }

    public string? PriceInfo { get; init; }

    public required List<TemplateAttributeDocument> Extras { get; init; }
}

/// <summary>One extra template attribute: <c>{ "name", "kind": "String"|"Numeric", "value" }</c>.</summary>
internal sealed class TemplateAttributeDocument
{
    public required string Name { get; init; }

    public required string Kind { get; init; }

    public required string Value { get; init; }
}

/// <summary><c>templates/&lt;id&gt;.tombstone</c>: the last version of a deleted template, so a re-created one continues after it.</summary>
internal sealed class TemplateTombstoneDocument : IStoredDocument
{
    public required int SchemaVersion { get; init; }

    public required string Id { get; init; }

    public required long Version { get; init; }

    public required DateTimeOffset DeletedAt { get; init; }
}

/// <summary><c>requests/&lt;id&gt;.json</c>.</summary>
internal sealed class RequestDocument : IStoredDocument
{
    public required int SchemaVersion { get; init; }

    public required string Id { get; init; }

    public required long Version { get; init; }

    /// <summary>A <c>RequestKindWords</c> word: <c>acquire</c> or <c>return</c>.</summary>
    public required string Kind { get; init; }

    public string? TemplateId { get; init; }

    public required int RequestedCount { get; init; }

    public required List<string> MachineIds { get; init; }

    /// <summary>A <c>RequestStatusWords</c> word, e.g. <c>provisioning</c>.</summary>
    public required string Status { get; init; }

    public required string Message { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public required DateTimeOffset Deadline { get; init; }

    public required int SyncAttempts { get; init; }

    /// <summary>Absent in documents written before provision keys had attempts: 0 then.</summary>
    public int ProvisionAttempt { get; init; }
}

/// <summary><c>machines/&lt;id&gt;.json</c>.</summary>
internal sealed class MachineDocument : IStoredDocument
{
    public required int SchemaVersion { get; init; }

    public required string Id { get; init; }

    public required long Version { get; init; }

    public required string ProviderName { get; init; }

    public required string ProviderMachineId { get; init; }

    public required string HostName { get; init; }

    public required string PrivateIpAddress { get; init; }

    public string? PublicIpAddress { get; init; }

    public required DateTimeOffset LaunchTime { get; init; }

    public required string TemplateId { get; init; }

    public required string RequestId { get; init; }

    public string? ReturnRequestId { get; init; }

    /// <summary>A <c>MachineStatusWords</c> word, e.g. <c>shutting-down</c>.</summary>
    public required string Status { get; init; }

    public required string Message { get; init; }

    public required Dictionary<string, string> ProviderData { get; init; }

    public string? InstanceType { get; init; }

    public string? PriceType { get; init; }

    public string? CloudHostId { get; init; }

    public required Dictionary<string, string> Tags { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// <c>provider</c> when Host Factory is told the provider's id as <c>machineId</c>; left out for our id, so documents
    /// written before the field existed read the same.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReportedMachineId { get; init; }
}

/// <summary><c>storage.json</c> at the root of the data directory: which layout the directory holds.</summary>
internal sealed class LayoutDocument
{
    public required int SchemaVersion { get; init; }

    public required string Layout { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// <c>journal/&lt;kind&gt;-&lt;id&gt;.json</c>: written before a save touches anything and removed after it, so a
/// crash leaves a record of which index entries and temp file to reconcile.
/// </summary>
internal sealed class IntentDocument
{
    public required int SchemaVersion { get; init; }

    /// <summary><c>template</c>, <c>request</c> or <c>machine</c>.</summary>
    public required string Kind { get; init; }

    public required string Id { get; init; }

    /// <summary>The version the save writes.</summary>
    public required long Version { get; init; }

    /// <summary>The batch (<c>journal/batch-&lt;batchId&gt;.json</c>) this save belongs to, if any.</summary>
    public string? BatchId { get; init; }

    /// <summary>Index entries (paths relative to the data directory) of the old and the new state.</summary>
    public required List<string> Entries { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
}

/// <summary>
/// <c>journal/batch-&lt;id&gt;.json</c>: every machine a <c>SaveManyAsync</c> writes, made durable before the first
/// machine file is touched; its existence is the commit point of the batch.
/// </summary>
internal sealed class BatchDocument
{
    public required int SchemaVersion { get; init; }

    public required string Id { get; init; }

    public required List<BatchMemberDocument> Machines { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
}

/// <summary>One machine of a batch: its new document and the index entries of its old and new state.</summary>
internal sealed class BatchMemberDocument
{
    public required MachineDocument Document { get; init; }

    public required List<string> Entries { get; init; }
}
