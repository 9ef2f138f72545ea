using System.Text.Json;
using System.Text.Json.Serialization;

namespace HostFactory.Providers.StaticPool;

/// <summary>The lease file: every host currently leased.</summary>
internal sealed record LeaseFile(List<Lease> Leases);

/// <summary>One leased host.</summary>
/// <param name="LeaseId">The lease's id, new for each lease of a host.</param>
/// <param name="Host">The host's name.</param>
/// <param name="IpAddress">The host's address.</param>
/// <param name="RequestId">The acquire request it was leased for.</param>
/// <param name="TemplateId">The template it was leased for.</param>
/// <param name="LeasedAt">When.</param>
/// <param name="Key">The key of the provision call that leased it; null in leases written before keys were recorded.</param>
/// <param name="Preparing">True from the lease until its lease command succeeded (a call that died leaves it so).</param>
internal sealed record Lease(string LeaseId, string Host, string IpAddress, string RequestId, string TemplateId, DateTimeOffset LeasedAt, string? Key = null, bool Preparing = false);

/// <summary>An inventory file.</summary>
internal sealed record InventoryFile(List<PoolHost>? Hosts);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(LeaseFile))]
[JsonSerializable(typeof(InventoryFile))]
internal sealed partial class PoolJsonContext : JsonSerializerContext;
