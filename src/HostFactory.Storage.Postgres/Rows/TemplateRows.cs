using System.Text.Json;
using HostFactory.Domain.Templates;
using Npgsql;

namespace HostFactory.Storage.Postgres.Rows;

/// <summary>
/// <c>templates</c>: the well-known attributes as columns, extras and provider settings as <c>json</c>. A deleted
/// template keeps its row with <c>deleted_at</c> set, so one re-created under its id continues its version sequence.
/// </summary>
internal sealed class TemplateRows() : RowMapping<TemplateSnapshot>(
    "templates", "Template", TemplateRows.Live,
    ["provider_name", "max_number", "type", "ncpus", "ncores", "nram", "rank", "price_info", "extra_attributes", "provider_settings",
    "enabled", "request_timeout", "created_at", "updated_at"])
{
    /// <summary>The condition of a template that is not deleted.</summary>
    public const string Live = " AND deleted_at IS NULL";

    public static readonly TemplateRows Instance = new();

    public override string IdOf(TemplateSnapshot snapshot) => snapshot.Id.Value;

    public override void AddValues(NpgsqlParameterCollection parameters, TemplateSnapshot snapshot)
    {
        var attributes = snapshot.Attributes;
        Add(parameters, snapshot.ProviderName);
        Add(parameters, snapshot.MaxNumber);
        Add(parameters, attributes.Type);
        Add(parameters, attributes.NCpus);
        Add(parameters, attributes.NCores);
        Add(parameters, attributes.NRam);
        Add(parameters, attributes.Rank);
        Add(parameters, attributes.PriceInfo);
        AddJson(parameters, JsonSerializer.Serialize(
            [.. attributes.Extras.Select(e => new ExtraAttributeRow(e.Name, AttributeKindWords.ToWord(e.Kind), e.Value))],
            PostgresJsonContext.Default.ExtraAttributeRowArray));
        AddJson(parameters, JsonSerializer.Serialize(new Dictionary<string, string?>(snapshot.ProviderSettings.Values, StringComparer.Ordinal), PostgresJsonContext.Default.DictionaryStringString));
        Add(parameters, snapshot.Enabled);
        Add(parameters, snapshot.RequestTimeout);
        AddTime(parameters, snapshot.CreatedAt);
        AddTime(parameters, snapshot.UpdatedAt);
    }

    protected override TemplateSnapshot Map(NpgsqlDataReader reader, string id, long version)
    {
        var extras = JsonSerializer.Deserialize(reader.GetString(10), PostgresJsonContext.Default.ExtraAttributeRowArray) ?? [];
        var settings = JsonSerializer.Deserialize(reader.GetString(11), PostgresJsonContext.Default.DictionaryStringString) ?? [];
        return new TemplateSnapshot(
            new TemplateId(id),
            reader.GetString(2),
            reader.GetInt32(3),
            new TemplateAttributes(
                reader.GetString(4), reader.GetInt32(7), Int(reader, 5), Int(reader, 6), Int(reader, 8), Text(reader, 9),
                extras.Select(e => new TemplateAttribute(e.Name, Word<AttributeKind>(e.Kind, "attribute kind", AttributeKindWords.TryParse), e.Value))),
            new ProviderSettings(settings),
            reader.GetBoolean(12),
            reader.GetFieldValue<TimeSpan>(13),
            Time(reader, 14),
            Time(reader, 15),
            version);
    }
}
