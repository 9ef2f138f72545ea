using System.Text.Json;
using System.Text.Json.Serialization;
using HostFactory.Application.Templates;
using HostFactory.Cli.Protocol;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Cli.Operator;

// What the operator verbs print with --format json: every field of the stored state, in camelCase, with the storage
// words (statuses) and, where Host Factory sees something else, its words beside them.

/// <summary>A page of a listing.</summary>
internal sealed record ListView<T>(int Total, int Offset, IReadOnlyList<T> Items);

/// <summary>A template with its live numbers.</summary>
internal sealed record TemplateView(
    string TemplateId,
    string ProviderName,
    bool Enabled,
    int MaxNumber,
    int ActiveMachines,
    int? AvailableNumber,
    double RequestTimeoutSeconds,
    IReadOnlyDictionary<string, string[]> Attributes,
    IReadOnlyDictionary<string, JsonElement> ProviderSettings,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static TemplateView From(TemplateSummary summary)
    {
        var entry = ProtocolMapper.Template(summary);
        var template = summary.Template;
        return new TemplateView(
            template.Id.Value, template.ProviderName, template.Enabled, template.MaxNumber, summary.ActiveMachines, summary.AvailableNumber,
            template.RequestTimeout.TotalSeconds, entry.Attributes, Settings(template.ProviderSettings), template.CreatedAt, template.UpdatedAt);
    }

    private static Dictionary<string, JsonElement> Settings(ProviderSettings settings)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, raw) in settings.Values)
        {
            using var parsed = JsonDocument.Parse(raw ?? "null");
            values[key] = parsed.RootElement.Clone();
        }

        return values;
    }
}

/// <summary>The result of <c>templates validate</c>.</summary>
internal sealed record TemplateValidationView(string TemplateId, bool Valid, IReadOnlyList<string> Problems);

/// <summary>A request as stored.</summary>
internal sealed record RequestView(
    string RequestId,
    string Kind,
    string Status,
    string HostFactoryStatus,
    string? TemplateId,
    int RequestedCount,
    IReadOnlyList<string> MachineIds,
    string Message,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset Deadline,
    int SyncAttempts)
{
    public static RequestView From(RequestSnapshot request) => new(
        request.Id.Value,
        RequestKindWords.ToWord(request.Kind),
        RequestStatusWords.ToWord(request.Status),
        HostFactoryWords.RequestStatus(request.Status),
        request.TemplateId?.Value,
        request.RequestedCount,
        request.MachineIds.Select(id => id.Value).ToList(),
        request.Message,
        request.CreatedAt,
        request.UpdatedAt,
        request.CompletedAt,
        request.Deadline,
        request.SyncAttempts);
}

/// <summary>A request with what Host Factory sees of it (<c>requests show</c>).</summary>
internal sealed record RequestDetailView(RequestView? Request, RequestStatusDocument HostFactory);

/// <summary>The result of <c>requests cancel</c>.</summary>
internal sealed record CancelView(string RequestId, string? ReturnRequestId, IReadOnlyList<string> ReleasedMachines, string Message);

/// <summary>A machine as stored.</summary>
internal sealed record MachineView(
    string MachineId,
    string Name,
    string Status,
    string TemplateId,
    string RequestId,
    string? ReturnRequestId,
    string ProviderName,
    string ProviderMachineId,
    string PrivateIpAddress,
    string? PublicIpAddress,
    DateTimeOffset LaunchTime,
    string Message,
    string? InstanceType,
    string? PriceType,
    string? CloudHostId,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, string> ProviderData,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static MachineView From(MachineSnapshot machine) => new(
        machine.Id.Value,
        machine.HostName,
        MachineStatusWords.ToWord(machine.Status),
        machine.TemplateId.Value,
        machine.RequestId.Value,
        machine.ReturnRequestId?.Value,
        machine.ProviderName,
        machine.ProviderMachineId,
        machine.PrivateIpAddress,
        machine.PublicIpAddress,
        machine.LaunchTime,
        machine.Message,
        machine.InstanceType,
        machine.PriceType,
        machine.CloudHostId,
        machine.Tags,
        machine.ProviderData,
        machine.CreatedAt,
        machine.UpdatedAt);
}

/// <summary>The result of <c>machines return</c>.</summary>
internal sealed record ReturnView(
    string RequestId,
    string Status,
    string Message,
    IReadOnlyList<string> Returned,
    IReadOnlyList<string> AlreadyReturningOrTerminated,
    IReadOnlyList<string> Unknown,
    RequestStatusDocument? HostFactory);

/// <summary>A configured provider instance.</summary>
internal sealed record ProviderView(string Name, string Type, bool Enabled, string? Assembly, double TimeoutSeconds, int Retries, double RetryDelaySeconds);

/// <summary>The health of one provider instance (<c>providers check</c>).</summary>
internal sealed record ProviderHealthView(string Name, string Type, bool Enabled, bool Healthy, IReadOnlyList<TemplateValidationView> Templates, IReadOnlyList<string> Problems);

/// <summary>A machine a provider holds that no request owns (<c>providers orphans</c>).</summary>
internal sealed record OrphanView(
    string Provider,
    string ProvisionKey,
    string ProviderMachineId,
    string HostName,
    string PrivateIpAddress,
    DateTimeOffset LaunchTime,
    string Reason);

/// <summary>How asking one provider for what it holds went (<c>providers orphans</c>).</summary>
internal sealed record HoldingsView(string Provider, int? Held, string? Problem);

/// <summary>What <c>providers orphans</c> found.</summary>
internal sealed record OrphansView(IReadOnlyList<OrphanView> Orphans, IReadOnlyList<HoldingsView> Providers);

/// <summary>What <c>scripts install</c> wrote.</summary>
internal sealed record ScriptsInstallView(string Directory, string Launcher, IReadOnlyList<string> Files);

/// <summary>What <c>storage migrate</c> did: the PostgreSQL schema's versions before and after (nulls for the JSON store).</summary>
internal sealed record StorageMigrateView(string Kind, string? Database, string? Schema, int? FromVersion, int? ToVersion, string Message);

/// <summary>What <c>storage copy</c> copied and found in the target.</summary>
internal sealed record StorageCopyView(string From, string Source, string To, string Target, int Templates, int Requests, int Machines);

/// <summary>The source-generated serializer of the operator views.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true)]
[JsonSerializable(typeof(ListView<TemplateView>))]
[JsonSerializable(typeof(TemplateView))]
[JsonSerializable(typeof(TemplateValidationView))]
[JsonSerializable(typeof(ListView<RequestView>))]
[JsonSerializable(typeof(RequestDetailView))]
[JsonSerializable(typeof(CancelView))]
[JsonSerializable(typeof(ListView<MachineView>))]
[JsonSerializable(typeof(MachineView))]
[JsonSerializable(typeof(ReturnView))]
[JsonSerializable(typeof(IReadOnlyList<ProviderView>))]
[JsonSerializable(typeof(IReadOnlyList<ProviderHealthView>))]
[JsonSerializable(typeof(OrphansView))]
[JsonSerializable(typeof(ScriptsInstallView))]
[JsonSerializable(typeof(IReadOnlyList<HostFactory.Cli.Resident.ResidentView>))]
[JsonSerializable(typeof(IReadOnlyList<HostFactory.Cli.Resident.ResidentStopView>))]
[JsonSerializable(typeof(StorageMigrateView))]
[JsonSerializable(typeof(StorageCopyView))]
internal sealed partial class OperatorJsonContext : JsonSerializerContext;
