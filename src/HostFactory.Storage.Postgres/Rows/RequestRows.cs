using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Npgsql;

namespace HostFactory.Storage.Postgres.Rows;

/// <summary><c>requests</c>: acquire (<c>req-</c>) and return (<c>ret-</c>) requests, their machines as a <c>text[]</c>.</summary>
internal sealed class RequestRows() : RowMapping<RequestSnapshot>(
    "requests", "Request", string.Empty,
    ["kind", "template_id", "requested_count", "machine_ids", "status", "message", "created_at", "updated_at", "completed_at",
    "deadline", "sync_attempts", "provision_attempt"])
{
    public static readonly RequestRows Instance = new();

    public override string IdOf(RequestSnapshot snapshot) => snapshot.Id.Value;

    public override void AddValues(NpgsqlParameterCollection parameters, RequestSnapshot snapshot)
    {
        Add(parameters, RequestKindWords.ToWord(snapshot.Kind));
        Add(parameters, snapshot.TemplateId?.Value);
        Add(parameters, snapshot.RequestedCount);
        Add(parameters, snapshot.MachineIds.Select(m => m.Value).ToArray());
        Add(parameters, RequestStatusWords.ToWord(snapshot.Status));
        Add(parameters, snapshot.Message);
        AddTime(parameters, snapshot.CreatedAt);
        AddTime(parameters, snapshot.UpdatedAt);
        AddTime(parameters, snapshot.CompletedAt);
        AddTime(parameters, snapshot.Deadline);
        Add(parameters, snapshot.SyncAttempts);
        Add(parameters, snapshot.ProvisionAttempt);
    }

    protected override RequestSnapshot Map(NpgsqlDataReader reader, string id, long version) => new(
        RequestId.Parse(id),
        Word<RequestKind>(reader.GetString(2), "kind", RequestKindWords.TryParse),
        Text(reader, 3) is { } templateId ? new TemplateId(templateId) : null,
        reader.GetInt32(4),
        [.. reader.GetFieldValue<string[]>(5).Select(MachineId.Parse)],
        Word<RequestStatus>(reader.GetString(6), "status", RequestStatusWords.TryParse),
        reader.GetString(7),
        Time(reader, 8),
        Time(reader, 9),
        OptionalTime(reader, 10),
        Time(reader, 11),
        reader.GetInt32(12),
        reader.GetInt32(13),
        version);
}
