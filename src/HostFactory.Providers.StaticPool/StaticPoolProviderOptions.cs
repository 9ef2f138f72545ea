using System.ComponentModel.DataAnnotations;
using System.Net;

namespace HostFactory.Providers.StaticPool;

/// <summary>One existing host of the pool.</summary>
public sealed class PoolHost
{
    /// <summary>The host name Host Factory will know the machine by.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Its IP address.</summary>
    public string IpAddress { get; set; } = string.Empty;

    /// <summary>Free-form attributes a template can require with its <c>hostAttributes</c> setting (e.g. <c>rack</c>, <c>gpu</c>).</summary>
    public Dictionary<string, string> Attributes { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The <c>settings</c> of a <c>static-pool</c> instance.</summary>
public sealed class StaticPoolProviderOptions : IValidatableObject
{
    /// <summary>Hosts listed inline.</summary>
    public List<PoolHost> Hosts { get; set; } = [];

    /// <summary>
    /// A JSON file (relative to the configuration file's directory) <c>{ "hosts": [ { "name", "ipAddress", "attributes" } ] }</c> with more hosts, read on every
    /// call so an operator can change the inventory without a restart.
    /// </summary>
    public string? InventoryFile { get; set; }

    /// <summary>Run after a host is leased (power on, start an agent): an argv with <c>{host}</c> and <c>{ip}</c> placeholders.</summary>
    public List<string>? LeaseCommand { get; set; }

    /// <summary>Run before a host is given back (stop the agent, power off): an argv with <c>{host}</c> and <c>{ip}</c> placeholders.</summary>
    public List<string>? ReleaseCommand { get; set; }

    /// <summary>How long a lease or release command may run, in seconds (default 60).</summary>
    [Range(1, 3600)]
    public double CommandTimeoutSeconds { get; set; } = 60;

    /// <summary>How long to wait for the lease file lock held by another process, in seconds (default 10).</summary>
    [Range(0.1, 600)]
    public double LockTimeoutSeconds { get; set; } = 10;

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Hosts.Count == 0 && InventoryFile is null)
        {
            yield return new ValidationResult("the pool needs hosts: list them in 'hosts' or name an 'inventoryFile'.", [nameof(Hosts)]);
        }

        for (var i = 0; i < Hosts.Count; i++)
        {
            foreach (var problem in PoolInventory.Check(Hosts[i]))
            {
                yield return new ValidationResult(problem, [$"{nameof(Hosts)}[{i}]"]);
            }
        }

        foreach (var name in Hosts.GroupBy(static h => h.Name, StringComparer.OrdinalIgnoreCase).Where(static g => g.Count() > 1).Select(static g => g.Key))
        {
            yield return new ValidationResult($"host '{name}' is listed more than once.", [nameof(Hosts)]);
        }

        foreach (var (command, member) in new[] { (LeaseCommand, nameof(LeaseCommand)), (ReleaseCommand, nameof(ReleaseCommand)) })
        {
            if (command is not null && (command.Count == 0 || string.IsNullOrWhiteSpace(command[0])))
            {
                yield return new ValidationResult("must be an argv array whose first element is the program.", [member]);
            }
        }
    }

    internal static bool IsIpAddress(string text) => IPAddress.TryParse(text, out _);
}
