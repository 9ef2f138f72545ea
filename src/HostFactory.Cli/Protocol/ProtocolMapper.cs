using System.Text.Json;
using HostFactory.Application.Requests;
using HostFactory.Application.Templates;
using HostFactory.Domain.Templates;

namespace HostFactory.Cli.Protocol;

/// <summary>
/// Turns the application's results into protocol documents. The words (status, result) are taken as the application
/// computed them with the domain's <c>HostFactoryWords</c>; nothing is re-mapped here.
/// </summary>
internal static class ProtocolMapper
{
    private static readonly HashSet<string> ProtocolTemplateFields =
        new(["templateId", "maxNumber", "availableNumber", "requestedMachines", "attributes", "providerName"], StringComparer.Ordinal);

    public static TemplateEntry Template(TemplateSummary summary)
    {
        var template = summary.Template;
        var attributes = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var attribute in template.Attributes.ToHostFactoryAttributes())
        {
            attributes[attribute.Name] = [AttributeKindWords.ToWord(attribute.Kind), attribute.Value];
        }

        Dictionary<string, JsonElement>? extra = null;
        foreach (var (key, raw) in template.ProviderSettings.Values)
        {
            if (!ProtocolTemplateFields.Contains(key))
            {
                extra ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                using var parsed = JsonDocument.Parse(raw ?? "null");
                extra[key] = parsed.RootElement.Clone();
            }
        }

        return new TemplateEntry
        {
            TemplateId = template.Id.Value,
            MaxNumber = template.MaxNumber,
            AvailableNumber = summary.AvailableNumber,
            Attributes = attributes,
            ProviderName = template.ProviderName,
            ProviderFields = extra,
        };
    }

    public static RequestStatusDocument Request(RequestStatusEntry entry) =>
        new(entry.RequestId, entry.Status, entry.Message, entry.Machines.Select(Machine).ToList());

    public static MachineDocument Machine(MachineStatusEntry entry)
    {
        var machine = entry.Machine;
        return new MachineDocument
        {
            MachineId = machine.ProtocolMachineId,
            Name = machine.HostName,
            Result = entry.Result,
            Status = entry.Status,
            PrivateIpAddress = machine.PrivateIpAddress,
            PublicIpAddress = string.IsNullOrEmpty(machine.PublicIpAddress) ? null : machine.PublicIpAddress,
            LaunchTime = machine.LaunchTime.ToUnixTimeSeconds(),
            Message = entry.Message,
            PriceType = NullIfEmpty(machine.PriceType),
            InstanceType = NullIfEmpty(machine.InstanceType),
            InstanceTags = machine.Tags.Count == 0 ? null : string.Join(';', machine.Tags.Select(tag => $"{tag.Key}={tag.Value}")),
            CloudHostId = NullIfEmpty(machine.CloudHostId),
        };
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
