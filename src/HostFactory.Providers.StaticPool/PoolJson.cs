using System.Text.Json;
using System.Text.Json.Serialization;

namespace HostFactory.Providers.StaticPool;

/// <summary>The lease file: every host currently leased.</summary>
internal sealed record LeaseFile(List<Lease> Leases);

/// <summary>One leased host.</summary>
internal sealed record Lease(string LeaseId, string Host, string IpAddress, string RequestId, string TemplateId, DateTimeOffset LeasedAt);

/// <summary>An inventory file.</summary>
internal sealed record InventoryFile(List<PoolHost>? Hosts);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(LeaseFile))]
[JsonSerializable(typeof(InventoryFile))]
internal sealed partial class PoolJsonContext : JsonSerializerContext;
