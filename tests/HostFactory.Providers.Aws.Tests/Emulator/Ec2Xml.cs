using System.Globalization;
using System.Xml.Linq;

namespace HostFactory.Providers.Aws.Tests.Emulator;

/// <summary>
/// EC2's answers as the EC2 API Reference documents them (API version 2016-11-15): a <c>&lt;ActionResponse&gt;</c> root
/// in EC2's namespace with a <c>requestId</c>, lists as <c>&lt;…Set&gt;&lt;item&gt;</c>, and errors as
/// <c>&lt;Response&gt;&lt;Errors&gt;&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;/Errors&gt;&lt;RequestID/&gt;&lt;/Response&gt;</c>.
/// </summary>
public static class Ec2Xml
{
    public static readonly XNamespace Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";

    /// <summary>An element in EC2's namespace; null content is left out, so optional fields simply do not appear.</summary>
    public static XElement E(string name, params object?[] content) => new(Ns + name, content.Where(static c => c is not null));

    /// <summary>A list: <c>&lt;name&gt;&lt;item&gt;…&lt;/item&gt;…&lt;/name&gt;</c>.</summary>
    public static XElement Set(string name, IEnumerable<object?[]> items) => E(name, [.. items.Select(static i => E("item", i))]);

    /// <summary>The answer to <paramref name="action"/>.</summary>
    public static XDocument Response(string action, params object?[] content) =>
        new(E($"{action}Response", [E("requestId", Guid.NewGuid().ToString()), .. content]));

    /// <summary>An error answer.</summary>
    public static XDocument Error(string code, string message) =>
        new(new XElement("Response",
            new XElement("Errors", new XElement("Error", new XElement("Code", code), new XElement("Message", message))),
            new XElement("RequestID", Guid.NewGuid().ToString())));

    /// <summary>An instance state: <c>&lt;code&gt;16&lt;/code&gt;&lt;name&gt;running&lt;/name&gt;</c>.</summary>
    public static object[] State(string state) => [E("code", EmulatedInstance.CodeOf(state).ToString(CultureInfo.InvariantCulture)), E("name", state)];

    /// <summary>One instance as <c>DescribeInstances</c> and <c>RunInstances</c> show it.</summary>
    public static object?[] Instance(EmulatedInstance i, int launchIndex) =>
    [
        E("instanceId", i.Id),
        E("imageId", i.ImageId),
        E("instanceState", State(i.State)),
        E("privateDnsName", i.State == "terminated" ? null : i.PrivateDnsName),
        E("dnsName"),
        E("reason", i.StateReasonMessage ?? string.Empty),
        i.KeyName is null ? null : E("keyName", i.KeyName),
        E("amiLaunchIndex", launchIndex.ToString(CultureInfo.InvariantCulture)),
        E("productCodes"),
        E("instanceType", i.InstanceType),
        E("launchTime", i.LaunchTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
        E("placement", E("availabilityZone", i.AvailabilityZone), E("groupName"), E("tenancy", "default")),
        E("monitoring", E("state", "disabled")),
        E("subnetId", i.SubnetId),
        E("vpcId", "vpc-0a1b2c3d4e5f60700"),
        E("privateIpAddress", i.PrivateIpAddress),
        i.State is "running" && i.PublicIpAddress is not null ? E("ipAddress", i.PublicIpAddress) : null,
        E("sourceDestCheck", "true"),
        Set("groupSet", i.SecurityGroupIds.Select(g => new object?[] { E("groupId", g), E("groupName", "hf") })),
        i.StateReasonCode is null ? null : E("stateReason", E("code", i.StateReasonCode), E("message", i.StateReasonMessage)),
        E("architecture", "x86_64"),
        E("rootDeviceType", "ebs"),
        E("rootDeviceName", EmulatedCloud.RootDeviceName),
        E("blockDeviceMapping"),
        i.Spot ? E("instanceLifecycle", "spot") : null,
        i.Spot ? E("spotInstanceRequestId", "sir-" + i.Id[2..10]) : null,
        E("virtualizationType", "hvm"),
        i.ClientToken is null ? null : E("clientToken", i.ClientToken),
        Set("tagSet", i.Tags.Select(t => new object?[] { E("key", t.Key), E("value", t.Value) })),
        i.IamInstanceProfile is null ? null : E("iamInstanceProfile", E("arn", i.IamInstanceProfile), E("id", "AIPAEMULATOR")),
        E("hypervisor", "xen"),
        E("ebsOptimized", "false"),
    ];

    /// <summary>A reservation: its id, owner and instances.</summary>
    public static object?[] Reservation(string reservationId, IEnumerable<EmulatedInstance> instances) =>
    [
        E("reservationId", reservationId),
        E("ownerId", "123456789012"),
        E("groupSet"),
        Set("instancesSet", instances.Select((instance, index) => Instance(instance, index))),
    ];
}
