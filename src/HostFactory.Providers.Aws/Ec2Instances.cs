using System.Globalization;
using System.Text.RegularExpressions;
using Amazon.EC2;
using Amazon.EC2.Model;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;

namespace HostFactory.Providers.Aws;

/// <summary>
/// Reads instances with <c>DescribeInstances</c> — by id in batches, or by tags — page by page, and maps what EC2 says
/// to what Host Factory sees. Ids go in an <c>instance-id</c> filter rather than the instance-id parameter, so an id AWS
/// no longer knows is simply absent from the answer instead of failing the whole batch.
/// </summary>
internal static partial class Ec2Instances
{
    /// <summary>How many instance ids one call asks about: EC2 takes at most 200 values per filter.</summary>
    public const int BatchSize = 200;

    /// <summary>How many instances one page may hold (EC2's largest page).</summary>
    public const int PageSize = 1000;

    /// <summary>The provider-data key of the region an instance lives in.</summary>
    public const string RegionKey = "region";

    /// <summary>The provider-data key of an instance's launch time (ISO 8601, UTC).</summary>
    public const string LaunchedKey = "launchedAt";

    /// <summary>The live states: an instance in one of these is held.</summary>
    public static readonly IReadOnlyList<string> LiveStates = ["pending", "running", "stopping", "stopped"];

    /// <summary>True for a well-formed EC2 instance id (<c>i-</c> and 8 or 17 hex digits).</summary>
    public static bool IsInstanceId(string id) => InstanceIdPattern().IsMatch(id);

    /// <summary>The instances among <paramref name="ids"/> that EC2 knows (terminated ones included while EC2 still shows them).</summary>
    public static async Task<IReadOnlyList<Instance>> DescribeByIdsAsync(IAmazonEC2 ec2, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var found = new List<Instance>();
        foreach (var batch in ids.Distinct(StringComparer.Ordinal).Chunk(BatchSize))
        {
            found.AddRange(await DescribeAsync(ec2, [new Filter("instance-id", [.. batch])], cancellationToken));
        }

        return found;
    }

    /// <summary>Every instance matching <paramref name="filters"/>, page by page.</summary>
    public static async Task<IReadOnlyList<Instance>> DescribeAsync(IAmazonEC2 ec2, List<Filter> filters, CancellationToken cancellationToken)
    {
        var found = new List<Instance>();
        string? token = null;
        do
        {
            var request = new DescribeInstancesRequest { Filters = filters, MaxResults = PageSize, NextToken = token };
            var page = await Ec2Errors.CallAsync("ec2:DescribeInstances", () => ec2.DescribeInstancesAsync(request, cancellationToken), cancellationToken);
            found.AddRange((page.Reservations ?? []).SelectMany(static r => r.Instances ?? []));
            token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        }
        while (token is not null);

        return found;
    }

    /// <summary>The filters that find this installation's live instances, of one request when <paramref name="requestId"/> is given.</summary>
    public static List<Filter> OwnedBy(string cluster, string? requestId = null, string? provisionKey = null)
    {
        var filters = new List<Filter>
        {
            new($"tag:{OwnershipTags.Cluster}", [cluster]),
            new("instance-state-name", [.. LiveStates]),
        };
        if (requestId is not null)
        {
            filters.Add(new Filter($"tag:{OwnershipTags.RequestId}", [requestId]));
        }

        if (provisionKey is not null)
        {
            filters.Add(new Filter($"tag:{OwnershipTags.ProvisionKey}", [provisionKey]));
        }

        return filters;
    }

    /// <summary>The machine status of an EC2 instance state (see the state mapping table in docs/providers.md).</summary>
    public static MachineStatus StatusOf(InstanceState? state) => state?.Name?.Value switch
    {
        "pending" => MachineStatus.Pending,
        "running" => MachineStatus.Running,
        "stopping" => MachineStatus.Stopping,
        "stopped" => MachineStatus.Stopped,
        "shutting-down" => MachineStatus.ShuttingDown,
        "terminated" => MachineStatus.Terminated,
        _ => MachineStatus.Unknown,
    };

    /// <summary>Why the instance is in its state, as EC2 says (e.g. <c>Server.SpotInstanceTermination: …</c>), or null.</summary>
    public static string? ReasonOf(Instance instance) =>
        instance.StateReason is { Code: { Length: > 0 } code } reason
            ? string.IsNullOrEmpty(reason.Message) ? code
                : reason.Message.StartsWith(code, StringComparison.Ordinal) ? reason.Message
                : $"{code}: {reason.Message}"
            : string.IsNullOrEmpty(instance.StateTransitionReason) ? null : instance.StateTransitionReason;

    /// <summary>What Host Factory sees of <paramref name="instance"/>.</summary>
    public static ProvisionedMachine ToMachine(Instance instance, string region, DateTimeOffset now)
    {
        var launched = instance.LaunchTime is { } time ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)) : now;
        return new ProvisionedMachine(
            instance.InstanceId,
            instance.PrivateDnsName ?? string.Empty,
            instance.PrivateIpAddress ?? string.Empty,
            string.IsNullOrEmpty(instance.PublicIpAddress) ? null : instance.PublicIpAddress,
            launched,
            StatusOf(instance.State),
            ProviderData(region, launched),
            instance.InstanceType?.Value,
            PriceTypeOf(instance.InstanceLifecycle?.Value),
            instance.InstanceId,
            (instance.Tags ?? [])
                .Where(static t => t.Key is not null && !t.Key.StartsWith("aws:", StringComparison.Ordinal))
                .GroupBy(static t => t.Key, StringComparer.Ordinal)
                .ToDictionary(static g => g.Key, static g => g.First().Value ?? string.Empty, StringComparer.Ordinal));
    }

    /// <summary>What Host Factory sees of an instance a fleet made that <c>DescribeInstances</c> does not show yet.</summary>
    public static ProvisionedMachine Unseen(string instanceId, string? instanceType, string? lifecycle, string region, DateTimeOffset now) =>
        new(instanceId, string.Empty, string.Empty, null, now, MachineStatus.Pending, ProviderData(region, now), instanceType, PriceTypeOf(lifecycle), instanceId);

    /// <summary>When <paramref name="machine"/> was launched, from its provider data; null when it does not say.</summary>
    public static DateTimeOffset? LaunchedAt(ProviderMachine machine) =>
        machine.ProviderData.TryGetValue(LaunchedKey, out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var launched)
            ? launched
            : null;

    /// <summary>Host Factory's price type for EC2's instance lifecycle: <c>spot</c>, else <c>ondemand</c>.</summary>
    public static string PriceTypeOf(string? lifecycle) => lifecycle is "spot" ? "spot" : "ondemand";

    private static Dictionary<string, string> ProviderData(string region, DateTimeOffset launched) => new(StringComparer.Ordinal)
    {
        [RegionKey] = region,
        [LaunchedKey] = launched.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("^i-[0-9a-f]{8}([0-9a-f]{9})?$", RegexOptions.CultureInvariant)]
    private static partial Regex InstanceIdPattern();
}
