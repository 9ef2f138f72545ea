using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Storage.Json.Documents;

/// <summary>
/// Snapshots to documents and back. Enums are written with the domain's word tables (the one spelling in storage);
/// every id that becomes part of a path passes <see cref="FileNames.CheckId"/>. Reading throws
/// <see cref="InvalidDocumentException"/> (or a domain exception) for anything the domain would not accept; the
/// storage turns those into <see cref="StorageCorruptException"/> naming the file.
/// </summary>
internal static class DocumentMapper
{
    // The one word a machine document uses for ReportedMachineId.ProviderId; our id, the default, is written as nothing.
    private const string ProviderIdWord = "provider";

    public static TemplateDocument ToDocument(TemplateSnapshot template, long version) => new()
    {
        SchemaVersion = StorageSchema.Current,
        Id = FileNames.CheckId("template id", template.Id.Value),
        Version = version,
        ProviderName = template.ProviderName,
        MaxNumber = template.MaxNumber,
        Attributes = new TemplateAttributesDocument
        {
            Type = template.Attributes.Type,
            Ncpus = template.Attributes.NCpus,
            Ncores = template.Attributes.NCores,
            Nram = template.Attributes.NRam,
            Rank = template.Attributes.Rank,
            PriceInfo = template.Attributes.PriceInfo,
            Extras = [.. template.Attributes.Extras.Select(e => new TemplateAttributeDocument { Name = e.Name, Kind = AttributeKindWords.ToWord(e.Kind), Value = e.Value })],
        },
        ProviderSettings = new Dictionary<string, string?>(template.ProviderSettings.Values, StringComparer.Ordinal),
        Enabled = template.Enabled,
        RequestTimeout = template.RequestTimeout,
        CreatedAt = template.CreatedAt,
        UpdatedAt = template.UpdatedAt,
    };

    public static TemplateSnapshot ToSnapshot(TemplateDocument document)
    {
        var attributes = document.Attributes;
        var extras = attributes.Extras.Select(e => new TemplateAttribute(
            e.Name,
            AttributeKindWords.TryParse(e.Kind, out var kind) ? kind : throw Unknown("attribute kind", e.Kind, "String, Numeric"),
            e.Value));
        return new TemplateSnapshot(
            new TemplateId(document.Id),
            document.ProviderName,
            document.MaxNumber,
            new TemplateAttributes(attributes.Type, attributes.Nram, attributes.Ncpus, attributes.Ncores, attributes.Rank, attributes.PriceInfo, extras),
            new ProviderSettings(document.ProviderSettings),
            document.Enabled,
            document.RequestTimeout,
            document.CreatedAt,
            document.UpdatedAt,
            document.Version);
    }

    public static RequestDocument ToDocument(RequestSnapshot request, long version) => new()
    {
        SchemaVersion = StorageSchema.Current,
        Id = FileNames.CheckId("request id", request.Id.Value),
        Version = version,
        Kind = RequestKindWords.ToWord(request.Kind),
        TemplateId = request.TemplateId is { } templateId ? FileNames.CheckId("template id", templateId.Value) : null,
        RequestedCount = request.RequestedCount,
        MachineIds = [.. request.MachineIds.Select(m => FileNames.CheckId("machine id", m.Value))],
        Status = RequestStatusWords.ToWord(request.Status),
        Message = request.Message,
        CreatedAt = request.CreatedAt,
        UpdatedAt = request.UpdatedAt,
        CompletedAt = request.CompletedAt,
        Deadline = request.Deadline,
        SyncAttempts = request.SyncAttempts,
        ProvisionAttempt = request.ProvisionAttempt,
    };

    public static RequestSnapshot ToSnapshot(RequestDocument document) => new(
        RequestId.Parse(document.Id),
        RequestKindWords.TryParse(document.Kind, out var kind) ? kind : throw Unknown("request kind", document.Kind, "acquire, return"),
        document.TemplateId is { } templateId ? new TemplateId(templateId) : null,
        document.RequestedCount,
        [.. document.MachineIds.Select(MachineId.Parse)],
        ParseRequestStatus(document.Status),
        document.Message,
        document.CreatedAt,
        document.UpdatedAt,
        document.CompletedAt,
        document.Deadline,
        document.SyncAttempts,
        document.ProvisionAttempt,
        document.Version);

    public static MachineDocument ToDocument(MachineSnapshot machine, long version) => new()
    {
        SchemaVersion = StorageSchema.Current,
        Id = FileNames.CheckId("machine id", machine.Id.Value),
        Version = version,
        ProviderName = machine.ProviderName,
        ProviderMachineId = machine.ProviderMachineId,
        HostName = machine.HostName,
        PrivateIpAddress = machine.PrivateIpAddress,
        PublicIpAddress = machine.PublicIpAddress,
        LaunchTime = machine.LaunchTime,
        TemplateId = FileNames.CheckId("template id", machine.TemplateId.Value),
        RequestId = FileNames.CheckId("request id", machine.RequestId.Value),
        ReturnRequestId = machine.ReturnRequestId is { } returnId ? FileNames.CheckId("request id", returnId.Value) : null,
        Status = MachineStatusWords.ToWord(machine.Status),
        Message = machine.Message,
        ProviderData = new Dictionary<string, string>(machine.ProviderData, StringComparer.Ordinal),
        InstanceType = machine.InstanceType,
        PriceType = machine.PriceType,
        CloudHostId = machine.CloudHostId,
        Tags = new Dictionary<string, string>(machine.Tags, StringComparer.Ordinal),
        CreatedAt = machine.CreatedAt,
        UpdatedAt = machine.UpdatedAt,
        ReportedMachineId = machine.ReportedMachineId == ReportedMachineId.ProviderId ? ProviderIdWord : null,
    };

    public static MachineSnapshot ToSnapshot(MachineDocument document) => new(
        MachineId.Parse(document.Id),
        document.ProviderName,
        document.ProviderMachineId,
        document.HostName,
        document.PrivateIpAddress,
        document.PublicIpAddress,
        document.LaunchTime,
        new TemplateId(document.TemplateId),
        RequestId.Parse(document.RequestId),
        document.ReturnRequestId is { } returnId ? RequestId.Parse(returnId) : null,
        ParseMachineStatus(document.Status),
        document.Message,
        document.ProviderData,
        document.InstanceType,
        document.PriceType,
        document.CloudHostId,
        document.Tags,
        document.CreatedAt,
        document.UpdatedAt,
        document.Version,
        document.ReportedMachineId switch
        {
            null => ReportedMachineId.OurId,
            ProviderIdWord => ReportedMachineId.ProviderId,
            var word => throw Unknown("reported machine id", word, ProviderIdWord),
        });

    public static RequestStatus ParseRequestStatus(string word) =>
        RequestStatusWords.TryParse(word, out var status)
            ? status
            : throw Unknown("request status", word, "pending, provisioning, releasing, completed, completed_with_errors, failed, cancelled, timed_out");

    public static MachineStatus ParseMachineStatus(string word) =>
        MachineStatusWords.TryParse(word, out var status)
            ? status
            : throw Unknown("machine status", word, "pending, running, stopping, stopped, shutting-down, terminated, failed, unknown");

    private static InvalidDocumentException Unknown(string what, string word, string known) =>
        new($"'{word}' is not a {what} (known: {known}).");
}

/// <summary>A document parsed as JSON but holds a value the storage does not know.</summary>
internal sealed class InvalidDocumentException(string message) : Exception(message);
