using System.Text.Json;
using System.Text.Json.Serialization;

namespace HostFactory.Server.Contracts;

/// <summary>
/// A template as the API takes it: one entry of <c>templates.json</c>, in Host Factory's camelCase. Fields other than
/// the ones below are the provider's settings (e.g. <c>command</c>, <c>imageId</c>) and are kept as given.
/// </summary>
/// <remarks>
/// Not a positional record, and the extension data has a setter: the source generator binds init-only members like
/// constructor parameters, which extension data cannot be.
/// </remarks>
internal sealed record TemplateBody
{
    /// <summary>1–64 characters of <c>0-9 A-Z a-z - _</c>.</summary>
    public string? TemplateId { get; init; }

    /// <summary>The configured provider instance that makes the machines.</summary>
    public string? ProviderName { get; init; }

    /// <summary>-1 for unlimited, else 0..10000.</summary>
    public int? MaxNumber { get; init; }

    /// <summary>Each a two-element array <c>[typeName, value]</c>; <c>type</c>, <c>ncpus</c>, <c>nram</c> required.</summary>
    public Dictionary<string, string[]>? Attributes { get; init; }

    /// <summary>Whether requests are accepted; true when left out.</summary>
    public bool? Enabled { get; init; }

    /// <summary>How long a request may take; 1800 when left out.</summary>
    public int? RequestTimeoutSeconds { get; init; }

    /// <summary>The provider's own settings: every other field of the object.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ProviderSettings { get; set; }
}

/// <summary>A template with its live numbers, in the same shape as <see cref="TemplateBody"/> plus read-only fields.</summary>
internal sealed record TemplateDto
{
    /// <summary>The template id.</summary>
    public required string TemplateId { get; init; }

    /// <summary>The provider instance.</summary>
    public required string ProviderName { get; init; }

    /// <summary>-1 for unlimited.</summary>
    public required int MaxNumber { get; init; }

    /// <summary>How many more machines may be made now; null when unlimited.</summary>
    public int? AvailableNumber { get; init; }

    /// <summary>Its machines that are neither terminated nor failed.</summary>
    public required int ActiveMachines { get; init; }

    /// <summary>Whether requests are accepted.</summary>
    public required bool Enabled { get; init; }

    /// <summary>How long a request may take.</summary>
    public required int RequestTimeoutSeconds { get; init; }

    /// <summary>Host Factory attributes, <c>[typeName, value]</c> each.</summary>
    public required Dictionary<string, string[]> Attributes { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last change time.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The stored version.</summary>
    public required long Version { get; init; }

    /// <summary>The provider's own settings, as given.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ProviderSettings { get; set; }
}

/// <summary>The outcome of checking a template without saving it.</summary>
internal sealed record TemplateValidationDto(bool Valid, IReadOnlyList<string> Problems);

/// <summary>Asks for machines (<c>requestMachines</c>).</summary>
internal sealed record RequestMachinesBody(string? TemplateId, int MachineCount);

/// <summary>The acquire request made.</summary>
internal sealed record RequestMachinesDto(string RequestId, string Status, int MachineCount, string Message);

/// <summary>A machine named by host name, machine id, or both.</summary>
internal sealed record MachineReferenceDto(string? Name, string? MachineId = null);

/// <summary>Gives machines back (<c>requestReturnMachines</c>).</summary>
internal sealed record ReturnMachinesBody(IReadOnlyList<MachineReferenceDto>? Machines);

/// <summary>The return request made.</summary>
internal sealed record ReturnMachinesDto(
    string RequestId,
    string Status,
    string Message,
    IReadOnlyList<string> Returned,
    IReadOnlyList<string> AlreadyReturningOrTerminated,
    IReadOnlyList<string> Unknown);

/// <summary>The requests to report on (<c>getRequestStatus</c>).</summary>
internal sealed record RequestStatusBody(IReadOnlyList<string>? RequestIds);

/// <summary>The answer for many requests.</summary>
internal sealed record RequestStatusListDto(IReadOnlyList<RequestStatusDto> Requests);

/// <summary>One request in Host Factory's words, with our own status word as <c>state</c>.</summary>
internal sealed record RequestStatusDto(string RequestId, string Status, string? State, string Message, IReadOnlyList<MachineStatusDto> Machines);

/// <summary>One machine of a request, as <c>getRequestStatus</c> reports it.</summary>
internal sealed record MachineStatusDto(
    string MachineId,
    string Name,
    string Result,
    string? Status,
    string PrivateIpAddress,
    string? PublicIpAddress,
    long Launchtime,
    string Message);

/// <summary>A request as stored.</summary>
internal sealed record RequestDto(
    string RequestId,
    string Kind,
    string? TemplateId,
    int RequestedCount,
    IReadOnlyList<string> MachineIds,
    string Status,
    string Message,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset Deadline,
    int SyncAttempts,
    long Version);

/// <summary>A machine as stored.</summary>
internal sealed record MachineDto(
    string MachineId,
    string ProviderName,
    string ProviderMachineId,
    string HostName,
    string PrivateIpAddress,
    string? PublicIpAddress,
    DateTimeOffset LaunchTime,
    string TemplateId,
    string RequestId,
    string? ReturnRequestId,
    string Status,
    string Message,
    string? InstanceType,
    string? PriceType,
    string? CloudHostId,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);

/// <summary>One page of a listing.</summary>
internal sealed record PageDto<T>(IReadOnlyList<T> Items, int Total, int Offset, int Limit);

/// <summary>Cancels an acquire request.</summary>
internal sealed record CancelRequestBody(string? Reason);

/// <summary>What a cancel did.</summary>
internal sealed record CancelRequestDto(string RequestId, string? ReturnRequestId, IReadOnlyList<string> ReleasedMachines, string Message);

/// <summary>Which requests to sync now; all unfinished ones when empty.</summary>
internal sealed record SyncRequestsBody(IReadOnlyList<string>? RequestIds);

/// <summary>What a sync did.</summary>
internal sealed record SyncSummaryDto(int Changed, IReadOnlyList<RequestSyncDto> Requests);

/// <summary>What syncing one request did.</summary>
internal sealed record RequestSyncDto(string RequestId, bool Found, string? Before, string? After, IReadOnlyList<string> Problems);

/// <summary>The machines Host Factory should give back (<c>getReturnRequests</c>).</summary>
internal sealed record ReclaimedMachinesDto(string Status, string Message, IReadOnlyList<MachineToReturnDto> Requests, IReadOnlyList<string> Unknown, IReadOnlyList<string> Problems);

/// <summary>A machine to give back: <c>machine</c> is its host name, <c>gracePeriod</c> the seconds left (0 = gone).</summary>
internal sealed record MachineToReturnDto(string Machine, int GracePeriod, string MachineId, string Reason);

/// <summary>Every provider instance and whether it answers.</summary>
internal sealed record ProviderHealthListDto(string Status, IReadOnlyList<ProviderHealthDto> Providers);

/// <summary>One provider instance: <c>healthy</c>, <c>unhealthy</c> (with why) or <c>disabled</c>.</summary>
internal sealed record ProviderHealthDto(string Name, string? Type, string Status, string? Message, double? LatencyMilliseconds, IReadOnlyList<string> RecentProblems);

/// <summary>The machines providers hold that no request owns, and how asking each provider went.</summary>
internal sealed record OrphanMachinesDto(IReadOnlyList<OrphanMachineDto> Orphans, IReadOnlyList<ProviderHoldingsDto> Providers);

/// <summary>One machine a provider holds that no request owns, with why.</summary>
internal sealed record OrphanMachineDto(
    string Provider, string ProvisionKey, string ProviderMachineId, string HostName, string PrivateIpAddress, DateTimeOffset LaunchTime, string Reason);

/// <summary>How many machines one provider holds, or why it could not say.</summary>
internal sealed record ProviderHoldingsDto(string Provider, int? Held, string? Problem);

/// <summary>The answer of <c>/health</c>.</summary>
internal sealed record HealthDto(string Status, IReadOnlyDictionary<string, HealthCheckDto> Checks);

/// <summary>One health check.</summary>
internal sealed record HealthCheckDto(string Status, string? Description);

/// <summary>The JSON contract of the API, source-generated; camelCase, nulls written.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TemplateBody))]
[JsonSerializable(typeof(TemplateDto))]
[JsonSerializable(typeof(IReadOnlyList<TemplateDto>))]
[JsonSerializable(typeof(TemplateValidationDto))]
[JsonSerializable(typeof(RequestMachinesBody))]
[JsonSerializable(typeof(RequestMachinesDto))]
[JsonSerializable(typeof(ReturnMachinesBody))]
[JsonSerializable(typeof(ReturnMachinesDto))]
[JsonSerializable(typeof(RequestStatusBody))]
[JsonSerializable(typeof(RequestStatusListDto))]
[JsonSerializable(typeof(RequestStatusDto))]
[JsonSerializable(typeof(PageDto<RequestDto>))]
[JsonSerializable(typeof(PageDto<MachineDto>))]
[JsonSerializable(typeof(MachineDto))]
[JsonSerializable(typeof(CancelRequestBody))]
[JsonSerializable(typeof(CancelRequestDto))]
[JsonSerializable(typeof(SyncRequestsBody))]
[JsonSerializable(typeof(SyncSummaryDto))]
[JsonSerializable(typeof(ReclaimedMachinesDto))]
[JsonSerializable(typeof(ProviderHealthListDto))]
[JsonSerializable(typeof(OrphanMachinesDto))]
[JsonSerializable(typeof(HealthDto))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
