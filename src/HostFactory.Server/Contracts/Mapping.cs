using System.Text.Json;
using System.Text.Json.Nodes;
using HostFactory.Application.Machines;
using HostFactory.Application.Requests;
using HostFactory.Application.Templates;
using HostFactory.Configuration;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Server.Errors;

namespace HostFactory.Server.Contracts;

/// <summary>Between the API's JSON contract and the application's messages and snapshots.</summary>
internal static class Mapping
{
    private static readonly string[] TemplateFields = ["templateId", "providerName", "maxNumber", "attributes", "enabled", "requestTimeoutSeconds"];

    /// <summary>
    /// The definition a template body describes, read by the templates file's own reader so the API and
    /// <c>templates.json</c> accept exactly the same templates.
    /// </summary>
    /// <exception cref="InvalidTemplateBodyException">The body breaks a rule; every problem is listed.</exception>
    public static TemplateDefinition ToDefinition(TemplateBody body, TimeProvider clock)
    {
        var template = new JsonObject();
        Add(template, "templateId", body.TemplateId is null ? null : JsonValue.Create(body.TemplateId));
        Add(template, "providerName", body.ProviderName is null ? null : JsonValue.Create(body.ProviderName));
        Add(template, "maxNumber", body.MaxNumber is { } maxNumber ? JsonValue.Create(maxNumber) : null);
        if (body.Attributes is not null)
        {
            var attributes = new JsonObject();
            foreach (var (name, pair) in body.Attributes)
            {
                attributes[name] = new JsonArray([.. (pair ?? []).Select(v => (JsonNode?)JsonValue.Create(v))]);
            }

            template["attributes"] = attributes;
        }

        Add(template, "enabled", body.Enabled is { } enabled ? JsonValue.Create(enabled) : null);
        Add(template, "requestTimeoutSeconds", body.RequestTimeoutSeconds is { } seconds ? JsonValue.Create(seconds) : null);
        foreach (var (key, value) in body.ProviderSettings ?? [])
        {
            if (!TemplateFields.Contains(key, StringComparer.Ordinal))
            {
                template[key] = JsonNode.Parse(value.GetRawText());
            }
        }

        var file = new JsonObject { ["templates"] = new JsonArray(template) };
        TemplateSnapshot parsed;
        try
        {
            parsed = TemplateFile.Parse(file.ToJsonString(), "template", clock).Single().ToSnapshot();
        }
        catch (TemplateFileException invalid)
        {
            // The templates file's reader, read by the API: its problems are the caller's input, not the configuration.
            throw new InvalidTemplateBodyException(invalid.Problems);
        }


        return new TemplateDefinition(
            parsed.Id.Value, parsed.ProviderName, parsed.MaxNumber, parsed.Attributes, parsed.ProviderSettings, parsed.RequestTimeout, parsed.Enabled);
    }

    public static TemplateDto ToDto(TemplateSummary summary)
    {
        var template = summary.Template;
        return new TemplateDto
        {
            TemplateId = template.Id.Value,
            ProviderName = template.ProviderName,
            MaxNumber = template.MaxNumber,
            AvailableNumber = summary.AvailableNumber,
            ActiveMachines = summary.ActiveMachines,
            Enabled = template.Enabled,
            RequestTimeoutSeconds = (int)template.RequestTimeout.TotalSeconds,
            Attributes = template.Attributes.ToHostFactoryAttributes().ToDictionary(a => a.Name, a => new[] { AttributeKindWords.ToWord(a.Kind), a.Value }, StringComparer.Ordinal),
            CreatedAt = template.CreatedAt,
            UpdatedAt = template.UpdatedAt,
            Version = template.Version,
            ProviderSettings = template.ProviderSettings.Values.Count == 0
                ? null
                : template.ProviderSettings.Values.ToDictionary(p => p.Key, p => JsonDocument.Parse(p.Value ?? "null").RootElement.Clone(), StringComparer.Ordinal),
        };
    }

    public static RequestMachinesDto ToDto(RequestMachinesResult result) =>
        new(result.RequestId.Value, RequestStatusWords.ToWord(result.Status), result.MachineCount, result.Message);

    public static ReturnMachinesDto ToDto(ReturnMachinesResult result) =>
        new(result.RequestId.Value, RequestStatusWords.ToWord(result.Status), result.Message,
            [.. result.Returned.Select(m => m.Value)], [.. result.AlreadyReturningOrTerminated.Select(m => m.Value)], result.Unknown);

    public static RequestStatusDto ToDto(RequestStatusEntry entry) =>
        new(entry.RequestId, entry.Status, entry.Request is { } request ? RequestStatusWords.ToWord(request.Status) : null, entry.Message,
            [.. entry.Machines.Select(m => new MachineStatusDto(
                m.Machine.Id.Value, m.Machine.HostName, m.Result, m.Status, m.Machine.PrivateIpAddress, m.Machine.PublicIpAddress,
                m.Machine.LaunchTime.ToUnixTimeSeconds(), m.Message))]);

    public static RequestDto ToDto(RequestSnapshot request) =>
        new(request.Id.Value, Kind(request.Kind), request.TemplateId?.Value, request.RequestedCount, [.. request.MachineIds.Select(m => m.Value)],
            RequestStatusWords.ToWord(request.Status), request.Message, request.CreatedAt, request.UpdatedAt, request.CompletedAt, request.Deadline,
            request.SyncAttempts, request.Version);

    public static MachineDto ToDto(MachineSnapshot machine) =>
        new(machine.Id.Value, machine.ProviderName, machine.ProviderMachineId, machine.HostName, machine.PrivateIpAddress, machine.PublicIpAddress,
            machine.LaunchTime, machine.TemplateId.Value, machine.RequestId.Value, machine.ReturnRequestId?.Value, MachineStatusWords.ToWord(machine.Status),
            machine.Message, machine.InstanceType, machine.PriceType, machine.CloudHostId, machine.Tags, machine.CreatedAt, machine.UpdatedAt, machine.Version);

    public static PageDto<TDto> ToDto<T, TDto>(Page<T> page, Func<T, TDto> map) =>
        new([.. page.Items.Select(map)], page.Total, page.Offset, page.Limit);

    public static CancelRequestDto ToDto(CancelRequestResult result) =>
        new(result.RequestId.Value, result.ReturnRequestId?.Value, [.. result.ReleasedMachines.Select(m => m.Value)], result.Message);

    public static SyncSummaryDto ToDto(SyncSummary summary) =>
        new(summary.Changed, [.. summary.Requests.Select(r => new RequestSyncDto(
            r.RequestId.Value, r.Found, r.Before is { } before ? RequestStatusWords.ToWord(before) : null,
            r.After is { } after ? RequestStatusWords.ToWord(after) : null, r.Problems))]);

    public static ReclaimedMachinesDto ToDto(ReturnRequestsResult result) =>
        new(HostFactoryWords.Complete, "Machines marked for return retrieved successfully.",
            [.. result.Machines.Select(m => new MachineToReturnDto(m.HostName, m.GracePeriodSeconds, m.MachineId.Value, m.Reason))], result.Unknown, result.Problems);

    public static string Kind(RequestKind kind) => kind == RequestKind.Acquire ? "acquire" : "return";

    private static void Add(JsonObject target, string name, JsonNode? value)
    {
        if (value is not null)
        {
            target[name] = value;
        }
    }
}
