using System.Text.Json;
using HostFactory.Providers.Abstractions;

namespace HostFactory.Providers.StaticPool;

/// <summary>The pool's hosts: those listed in the settings plus those of the inventory file, read afresh on each call.</summary>
internal sealed class PoolInventory(IReadOnlyList<PoolHost> inlineHosts, string? inventoryFile)
{
    /// <summary>The problems of one host entry, each a sentence.</summary>
    public static IEnumerable<string> Check(PoolHost host)
    {
        if (string.IsNullOrWhiteSpace(host.Name))
        {
            yield return "'name' is required.";
        }

        if (!StaticPoolProviderOptions.IsIpAddress(host.IpAddress))
        {
            yield return $"'ipAddress' '{host.IpAddress}' is not an IP address.";
        }
    }

    /// <summary>Every host, inline ones first.</summary>
    /// <exception cref="MachineProviderException">The inventory file cannot be read or holds an invalid host.</exception>
    public IReadOnlyList<PoolHost> Load()
    {
        var hosts = new List<PoolHost>(inlineHosts);
        if (inventoryFile is { } path)
        {
            InventoryFile? file;
            try
            {
                file = JsonSerializer.Deserialize(File.ReadAllText(path), PoolJsonContext.Default.InventoryFile);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
            {
                throw new MachineProviderException($"The pool inventory file '{path}' cannot be read: {exception.Message}", exception);
            }

            foreach (var (host, index) in (file?.Hosts ?? []).Select(static (h, i) => (h, i)))
            {
                var problem = host is null ? "is null" : Check(host).FirstOrDefault();
                if (problem is not null)
                {
                    throw new MachineProviderException($"The pool inventory file '{path}' host {index}: {problem}");
                }

                hosts.Add(host!);
            }
        }

        if (hosts.GroupBy(static h => h.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(static g => g.Count() > 1) is { } twice)
        {
            throw new MachineProviderException($"The pool lists host '{twice.Key}' more than once (settings and inventory file together).");
        }

        return hosts;
    }
}
