using System.Text.Json;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using Npgsql;

namespace HostFactory.Storage.Postgres.Rows;

/// <summary>
/// <c>machines</c>: every field a column, the provider's data and tags as <c>json</c> objects, and <c>host_key</c>: the host
/// name's <see cref="HostNames.Key"/> (null when blank), which the host-name lookup searches.
/// </summary>
internal sealed class MachineRows() : RowMapping<MachineSnapshot>(
    "machines", "Machine", string.Empty,
    ["provider_name", "provider_machine_id", "host_name", "host_key", "private_ip_address", "public_ip_address", "launch_time", "template_id",
    "request_id", "return_request_id", "status", "message", "provider_data", "instance_type", "price_type", "cloud_host_id", "tags",
    "created_at", "updated_at", "reported_machine_id"])
{
    // The words of reported_machine_id: which id Host Factory is told as the machine's machineId.
    private const string OurIdWord = "ours";
    private const string ProviderIdWord = "provider";

    public static readonly MachineRows Instance = new();

    public override string IdOf(MachineSnapshot snapshot) => snapshot.Id.Value;

    public override void AddValues(NpgsqlParameterCollection parameters, MachineSnapshot snapshot)
    {
        Add(parameters, snapshot.ProviderName);
        Add(parameters, snapshot.ProviderMachineId);
        Add(parameters, snapshot.HostName);
        Add(parameters, HostNames.IsBlank(snapshot.HostName) ? null : HostNames.Key(snapshot.HostName));
        Add(parameters, snapshot.PrivateIpAddress);
        Add(parameters, snapshot.PublicIpAddress);
        AddTime(parameters, snapshot.LaunchTime);
        Add(parameters, snapshot.TemplateId.Value);
        Add(parameters, snapshot.RequestId.Value);
        Add(parameters, snapshot.ReturnRequestId?.Value);
        Add(parameters, MachineStatusWords.ToWord(snapshot.Status));
        Add(parameters, snapshot.Message);
        AddJson(parameters, Object(snapshot.ProviderData));
        Add(parameters, snapshot.InstanceType);
        Add(parameters, snapshot.PriceType);
        Add(parameters, snapshot.CloudHostId);
        AddJson(parameters, Object(snapshot.Tags));
        AddTime(parameters, snapshot.CreatedAt);
        AddTime(parameters, snapshot.UpdatedAt);
        Add(parameters, snapshot.ReportedMachineId == ReportedMachineId.ProviderId ? ProviderIdWord : OurIdWord);
    }

    protected override MachineSnapshot Map(NpgsqlDataReader reader, string id, long version) => new(
        MachineId.Parse(id),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(6),
        Text(reader, 7),
        Time(reader, 8),
        new TemplateId(reader.GetString(9)),
        RequestId.Parse(reader.GetString(10)),
        Text(reader, 11) is { } returnRequestId ? RequestId.Parse(returnRequestId) : null,
        Word<MachineStatus>(reader.GetString(12), "status", MachineStatusWords.TryParse),
        reader.GetString(13),
        Dictionary(reader.GetString(14)),
        Text(reader, 15),
        Text(reader, 16),
        Text(reader, 17),
        Dictionary(reader.GetString(18)),
        Time(reader, 19),
        Time(reader, 20),
        version,
        reader.GetString(21) switch
        {
            OurIdWord => ReportedMachineId.OurId,
            ProviderIdWord => ReportedMachineId.ProviderId,
            var word => throw new FormatException($"its reported machine id '{word}' is not '{OurIdWord}' or '{ProviderIdWord}'."),
        });

    private static string Object(IReadOnlyDictionary<string, string> values) =>
        JsonSerializer.Serialize(values.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal), PostgresJsonContext.Default.DictionaryStringString);

    private static Dictionary<string, string> Dictionary(string json) =>
        (JsonSerializer.Deserialize(json, PostgresJsonContext.Default.DictionaryStringString) ?? []).ToDictionary(
            p => p.Key,
            p => p.Value ?? throw new FormatException($"its value of '{p.Key}' is null."),
            StringComparer.Ordinal);
}
