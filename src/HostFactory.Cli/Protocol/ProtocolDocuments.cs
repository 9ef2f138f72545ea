using System.Text.Json;
using System.Text.Json.Serialization;

namespace HostFactory.Cli.Protocol;

// The documents Host Factory reads from stdout, field for field as docs/../shared/hostfactory-protocol.md names them.
// Property order is the order the fields are written in.

/// <summary>A failed operation's answer, or any answer that is only a message.</summary>
/// <param name="Message">Why.</param>
internal sealed record MessageAnswer(string Message);

/// <summary>The answer of <c>getAvailableTemplates</c>.</summary>
/// <param name="Message">A success sentence.</param>
/// <param name="Templates">The enabled templates.</param>
internal sealed record TemplatesAnswer(string Message, IReadOnlyList<TemplateEntry> Templates);

/// <summary>One template of <c>getAvailableTemplates</c>.</summary>
internal sealed class TemplateEntry
{
    /// <summary>The template id.</summary>
    public required string TemplateId { get; init; }

    /// <summary>-1 for unlimited, else 0..10000.</summary>
    public required int MaxNumber { get; init; }

    /// <summary>How many more machines can be provisioned now; left out when unlimited.</summary>
    public int? AvailableNumber { get; init; }

    /// <summary>Each attribute as a two-string array: <c>[typeName, value]</c>.</summary>
    public required IReadOnlyDictionary<string, string[]> Attributes { get; init; }

    /// <summary>The provider instance that makes the machines (a provider-specific extra field).</summary>
    public required string ProviderName { get; init; }

    /// <summary>The template's provider settings, printed as extra fields as in the templates file.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ProviderFields { get; set; }
}

/// <summary>The answer of <c>requestMachines</c> and <c>requestReturnMachines</c>.</summary>
/// <param name="RequestId">The new request (<c>req-…</c> or <c>ret-…</c>).</param>
/// <param name="Message">What happened.</param>
internal sealed record RequestAnswer(string RequestId, string Message);

/// <summary>The answer of <c>getRequestStatus</c>.</summary>
/// <param name="Requests">One entry per distinct id asked about, in the order asked.</param>
internal sealed record RequestStatusAnswer(IReadOnlyList<RequestStatusDocument> Requests);

/// <summary>One request of <c>getRequestStatus</c>.</summary>
/// <param name="RequestId">The id as asked.</param>
/// <param name="Status"><c>running</c>, <c>complete</c> or <c>complete_with_error</c>.</param>
/// <param name="Message">Why it ended as it did; may be empty.</param>
/// <param name="Machines">Its machines.</param>
internal sealed record RequestStatusDocument(string RequestId, string Status, string Message, IReadOnlyList<MachineDocument> Machines);

/// <summary>One machine of a request in <c>getRequestStatus</c>.</summary>
internal sealed class MachineDocument
{
    /// <summary>Our machine id (<c>m-…</c>), or the provider's when its provider reports that (<c>MachineSnapshot.ProtocolMachineId</c>).</summary>
    public required string MachineId { get; init; }

    /// <summary>The host name.</summary>
    public required string Name { get; init; }

    /// <summary><c>executing</c>, <c>succeed</c> or <c>fail</c>.</summary>
    public required string Result { get; init; }

    /// <summary>The machine status word; left out when the protocol has none for the state.</summary>
    public string? Status { get; init; }

    /// <summary>The private IP address.</summary>
    public required string PrivateIpAddress { get; init; }

    /// <summary>The public IP address; written as null when there is none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? PublicIpAddress { get; init; }

    /// <summary>Launch time, epoch seconds UTC.</summary>
    [JsonPropertyName("launchtime")]
    public required long LaunchTime { get; init; }

    /// <summary>What happened; never empty when <see cref="Result"/> is <c>fail</c>.</summary>
    public required string Message { get; init; }

    /// <summary>The price type, when known.</summary>
    public string? PriceType { get; init; }

    /// <summary>The instance type, when known.</summary>
    public string? InstanceType { get; init; }

    /// <summary>The provider's tags as <c>k=v;k2=v2</c>, when there are any.</summary>
    public string? InstanceTags { get; init; }

    /// <summary>The cloud's host id, when known.</summary>
    public string? CloudHostId { get; init; }
}

/// <summary>The answer of <c>getReturnRequests</c>.</summary>
/// <param name="Status">Always <c>complete</c>: the list is final for this call.</param>
/// <param name="Message">A success sentence, followed by any provider that could not be asked.</param>
/// <param name="Requests">The machines the provider is taking back.</param>
internal sealed record ReturnRequestsAnswer(string Status, string Message, IReadOnlyList<ReturnRequestDocument> Requests);

/// <summary>A machine the provider is taking back.</summary>
/// <param name="Machine">The host name.</param>
/// <param name="GracePeriod">Seconds before the provider takes it; 0 when it is already gone.</param>
internal sealed record ReturnRequestDocument(string Machine, int GracePeriod);

/// <summary>The source-generated serializer of the protocol documents: camelCase, nulls left out unless a field says otherwise.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(MessageAnswer))]
[JsonSerializable(typeof(TemplatesAnswer))]
[JsonSerializable(typeof(RequestAnswer))]
[JsonSerializable(typeof(RequestStatusAnswer))]
[JsonSerializable(typeof(ReturnRequestsAnswer))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
