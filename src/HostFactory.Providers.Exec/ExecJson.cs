using System.Text.Json;
using System.Text.Json.Serialization;

namespace HostFactory.Providers.Exec;

/// <summary>The answer to <c>provision</c>, and to <c>held</c> (whose <c>message</c> is ignored).</summary>
internal sealed record ProvisionAnswer(List<ProvisionedAnswer?>? Machines, string? Message);

/// <summary>One machine made (provision), or held (held: then with the key it was made under).</summary>
internal sealed record ProvisionedAnswer(
    string? MachineId,
    string? Name,
    string? PrivateIpAddress,
    string? PublicIpAddress,
    string? Status,
    long? Launchtime,
    Dictionary<string, string>? Data,
    string? InstanceType,
    string? PriceType,
    string? CloudHostId,
    Dictionary<string, string>? Tags,
    string? Key = null);

/// <summary>The answer to <c>describe</c>.</summary>
internal sealed record DescribeAnswer(List<ObservedAnswer?>? Machines);

/// <summary>One machine observed.</summary>
internal sealed record ObservedAnswer(string? MachineId, string? Status, string? Message, string? Name, string? PrivateIpAddress, string? PublicIpAddress);

/// <summary>The answer to <c>release</c>.</summary>
internal sealed record ReleaseAnswer(List<ReleasedAnswer?>? Machines);

/// <summary>One machine released.</summary>
internal sealed record ReleasedAnswer(string? MachineId, string? Result, string? Message);

/// <summary>The answer to <c>reclaimed</c>.</summary>
internal sealed record ReclaimedAnswer(List<ReclaimedEntry?>? Machines);

/// <summary>One machine being taken back.</summary>
internal sealed record ReclaimedEntry(string? MachineId, int? GracePeriod);

/// <summary>The answer to <c>validate</c>.</summary>
internal sealed record ValidateAnswer(List<string?>? Errors);

/// <summary>What a failing program may print: a message.</summary>
internal sealed record FailureAnswer(string? Message);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, AllowTrailingCommas = false, ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ProvisionAnswer))]
[JsonSerializable(typeof(DescribeAnswer))]
[JsonSerializable(typeof(ReleaseAnswer))]
[JsonSerializable(typeof(ReclaimedAnswer))]
[JsonSerializable(typeof(ValidateAnswer))]
[JsonSerializable(typeof(FailureAnswer))]
internal sealed partial class ExecJsonContext : JsonSerializerContext;
