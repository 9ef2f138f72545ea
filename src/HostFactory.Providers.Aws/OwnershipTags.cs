using Amazon.EC2.Model;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;

namespace HostFactory.Providers.Aws;

/// <summary>
/// The tags by which an instance is known to be this installation's, put on it at launch (so an instance never exists
/// without them): the cluster (the instance setting <c>clusterTag</c>), the request, the provision key and the
/// template. Listing what HostFactory holds, recovering an interrupted request and the IAM condition on
/// <c>ec2:TerminateInstances</c> all go by them.
/// </summary>
internal static class OwnershipTags
{
    /// <summary>The installation: every instance it makes carries its cluster tag.</summary>
    public const string Cluster = "hostfactory:cluster";

    /// <summary>The acquire request the instance was made for.</summary>
    public const string RequestId = "hostfactory:request-id";

    /// <summary>The provision key (request id and attempt) it was made under.</summary>
    public const string ProvisionKey = "hostfactory:provision-key";

    /// <summary>The template it was made from.</summary>
    public const string TemplateId = "hostfactory:template-id";

    /// <summary>How many tags HostFactory puts on an instance.</summary>
    public const int Count = 4;

    private const string Prefix = "hostfactory:";

    /// <summary>True for a key HostFactory sets itself (so a template may not set it).</summary>
    public static bool IsOwnershipKey(string key) => key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The tags of an instance made under <paramref name="key"/> from <paramref name="templateId"/> by <paramref name="cluster"/>.</summary>
    public static List<Tag> For(ProvisionKey key, string templateId, string cluster) =>
    [
        new Tag { Key = Cluster, Value = cluster },
        new Tag { Key = RequestId, Value = key.RequestId.Value },
        new Tag { Key = ProvisionKey, Value = key.Value },
        new Tag { Key = TemplateId, Value = templateId },
    ];

    /// <summary>The value of tag <paramref name="key"/> on <paramref name="instance"/>, or null.</summary>
    public static string? ValueOf(Instance instance, string key) =>
        instance.Tags?.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.Ordinal))?.Value;

    /// <summary>The provision key <paramref name="instance"/> was made under (attempt 0 of its request when only that tag is there).</summary>
    public static bool TryReadKey(Instance instance, out ProvisionKey key)
    {
        if (Domain.Providers.ProvisionKey.TryParse(ValueOf(instance, ProvisionKey), out key))
        {
            return true;
        }

        if (Domain.Requests.RequestId.TryParse(ValueOf(instance, RequestId), out var requestId) && requestId.Kind == RequestKind.Acquire)
        {
            key = new ProvisionKey(requestId, 0);
            return true;
        }

        return false;
    }
}
