using System.Globalization;
using System.Text;
using System.Xml.Linq;
using static HostFactory.Providers.Aws.Tests.Emulator.Ec2Xml;

namespace HostFactory.Providers.Aws.Tests.Emulator;

/// <summary>
/// The EC2 actions the emulator implements, each as the EC2 API Reference describes its parameters, its answer and
/// its errors: RunInstances, CreateFleet (type instant), DescribeInstances (filters, MaxResults and NextToken),
/// TerminateInstances, CreateTags, DescribeImages, DescribeSubnets and DescribeSecurityGroups. Each runs under the
/// cloud's lock.
/// </summary>
public static class Ec2Actions
{
    public static XDocument Run(string action, QueryParameters query, EmulatedCloud cloud) => action switch
    {
        "RunInstances" => RunInstances(query, cloud),
        "CreateFleet" => CreateFleet(query, cloud),
        "DescribeInstances" => DescribeInstances(query, cloud),
        "TerminateInstances" => TerminateInstances(query, cloud),
        "CreateTags" => CreateTags(query, cloud),
        "DescribeImages" => Response(action, Set("imagesSet", Matching(query, "image-id", "ImageId", cloud.Images.Keys).Select(id => new object?[]
            { E("imageId", id), E("imageState", "available"), E("rootDeviceType", "ebs"), E("rootDeviceName", cloud.Images[id]), E("architecture", "x86_64") }))),
        "DescribeSubnets" => Response(action, Set("subnetSet", Matching(query, "subnet-id", "SubnetId", cloud.Subnets.Keys).Select(id => new object?[]
            { E("subnetId", id), E("state", "available"), E("vpcId", "vpc-0a1b2c3d4e5f60700"), E("availabilityZone", cloud.Subnets[id]) }))),
        "DescribeSecurityGroups" => Response(action, Set("securityGroupInfo", Matching(query, "group-id", "GroupId", cloud.SecurityGroups).Select(id => new object?[]
            { E("ownerId", "123456789012"), E("groupId", id), E("groupName", "hf"), E("groupDescription", "HostFactory workers") }))),
        _ => throw new Ec2Fault("InvalidAction", $"The action {action} is not valid for this web service."),
    };

    private static XDocument RunInstances(QueryParameters query, EmulatedCloud cloud)
    {
        var min = query.Int("MinCount") ?? throw new Ec2Fault("MissingParameter", "The request must contain the parameter MinCount");
        var max = query.Int("MaxCount") ?? throw new Ec2Fault("MissingParameter", "The request must contain the parameter MaxCount");
        var token = query["ClientToken"];
        var signature = string.Join('&', query.Values.Where(p => p.Key is not ("ClientToken" or "Action" or "Version")).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        if (token is not null && cloud.RunToken(token) is { } seen)
        {
            return seen.Signature == signature
                ? Response("RunInstances", Reservation(seen.ReservationId, cloud.All.Where(i => i.ReservationId == seen.ReservationId)))
                : throw new Ec2Fault("IdempotentParameterMismatch", $"The client token '{token}' was used with different parameters.");
        }

        var template = LaunchTemplate(query.Structure("LaunchTemplate"), cloud);
        var image = query["ImageId"] ?? template?.ImageId ?? throw new Ec2Fault("MissingParameter", "The request must contain the parameter ImageId");
        var type = query["InstanceType"] ?? template?.InstanceType ?? "m1.small";
        CheckImage(image, cloud);
        var subnet = query["SubnetId"] ?? EmulatedCloud.SubnetA;
        if (!cloud.Subnets.ContainsKey(subnet))
        {
            throw new Ec2Fault("InvalidSubnetID.NotFound", $"The subnet ID '{subnet}' does not exist");
        }

        var spot = query["InstanceMarketOptions.MarketType"] == "spot";
        var count = Math.Min(max, cloud.Capacity ?? max);
        if (count < min)
        {
            throw new Ec2Fault("InsufficientInstanceCapacity", $"We currently do not have sufficient {type} capacity in the Availability Zone you requested ({cloud.Subnets[subnet]}).");
        }

        var reservation = cloud.NewId("r");
        var made = Enumerable.Range(0, count).Select(_ => cloud.Launch(reservation, image, type, subnet, spot, token, query)).ToList();
        cloud.Capacity -= count;
        if (token is not null)
        {
            cloud.RememberRun(token, signature, reservation);
        }

        return Response("RunInstances", Reservation(reservation, made));
    }

    private static XDocument CreateFleet(QueryParameters query, EmulatedCloud cloud)
    {
        if (query["Type"] != "instant")
        {
            throw new Ec2Fault("InvalidParameterValue", "The emulator implements EC2 Fleets of type instant only.");
        }

        var token = query["ClientToken"];
        var signature = string.Join('&', query.Values.Where(p => p.Key is not ("ClientToken" or "Action" or "Version")).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        if (token is not null && cloud.FleetToken(token) is { } seen)
        {
            return seen.Signature == signature
                ? XDocument.Parse(seen.Answer)
                : throw new Ec2Fault("IdempotentParameterMismatch", $"The client token '{token}' was used with different parameters.");
        }

        var config = query.Members("LaunchTemplateConfigs").SingleOrDefault() ?? throw new Ec2Fault("MissingParameter", "The request must contain the parameter LaunchTemplateConfigs");
        var template = LaunchTemplate(config.Structure("LaunchTemplateSpecification"), cloud)
            ?? throw new Ec2Fault("MissingParameter", "The request must contain the parameter LaunchTemplateConfigs.1.LaunchTemplateSpecification");
        var overrides = config.Members("Overrides");
        var specifications = (overrides.Count == 0 ? [new QueryParameters(new Dictionary<string, string>())] : overrides)
            .Select(o => (Type: o["InstanceType"] ?? template.InstanceType, Subnet: o["SubnetId"] ?? EmulatedCloud.SubnetA, Weight: o.Number("WeightedCapacity") ?? 1, Image: o["ImageId"] ?? template.ImageId))
            .ToList();
        var total = query.Int("TargetCapacitySpecification.TotalTargetCapacity") ?? throw new Ec2Fault("MissingParameter", "The request must contain TargetCapacitySpecification.TotalTargetCapacity");
        var onDemand = query.Int("TargetCapacitySpecification.OnDemandTargetCapacity")
            ?? (query["TargetCapacitySpecification.DefaultTargetCapacityType"] == "on-demand" ? total : 0);
        var spotUnits = query.Int("TargetCapacitySpecification.SpotTargetCapacity") ?? total - onDemand;

        var reservation = cloud.NewId("r");
        var launched = new List<(EmulatedInstance Instance, string Lifecycle)>();
        var errors = new List<object?[]>();
        foreach (var (lifecycle, units) in new[] { ("on-demand", onDemand), ("spot", spotUnits) })
        {
            var filled = 0.0;
            foreach (var specification in specifications)
            {
                CheckImage(specification.Image, cloud);
                if (cloud.FailingSpecification(specification.Type, specification.Subnet, lifecycle) is { } failure)
                {
                    errors.Add([FleetSpecification(config, specification.Type, specification.Subnet), E("lifecycle", lifecycle), E("errorCode", failure.Code), E("errorMessage", failure.Message)]);
                    continue;
                }

                while (filled < units && (lifecycle == "spot" || cloud.Capacity is not <= 0))
                {
                    launched.Add((cloud.Launch(reservation, specification.Image, specification.Type, specification.Subnet, lifecycle == "spot", token, query), lifecycle));
                    cloud.Capacity -= lifecycle == "spot" ? 0 : 1;
                    filled += specification.Weight;
                }
            }
        }

        var answer = Response("CreateFleet",
            E("fleetId", "fleet-" + Guid.NewGuid().ToString("N")[..8] + "-0000-0000-0000-000000000000"),
            Set("errorSet", errors),
            Set("fleetInstanceSet", launched.GroupBy(l => (l.Instance.InstanceType, l.Instance.SubnetId, l.Lifecycle)).Select(g => new object?[]
            {
                FleetSpecification(config, g.Key.InstanceType, g.Key.SubnetId),
                E("lifecycle", g.Key.Lifecycle),
                Set("instanceIds", g.Select(l => new object?[] { l.Instance.Id })),
                E("instanceType", g.Key.InstanceType),
            })));
        if (token is not null)
        {
            cloud.RememberFleet(token, signature, answer.ToString());
        }

        return answer;
    }

    private static XDocument DescribeInstances(QueryParameters query, EmulatedCloud cloud)
    {
        var ids = query.List("InstanceId");
        var maxResults = query.Int("MaxResults");
        if (ids.Count > 0 && maxResults is not null)
        {
            throw new Ec2Fault("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults");
        }

        if (maxResults is < 5 or > 1000)
        {
            throw new Ec2Fault("InvalidParameterValue", $"Value ({maxResults}) for parameter maxResults is invalid. Expecting a value between 5 and 1000.");
        }

        var unknown = ids.Where(id => cloud.All.All(i => i.Id != id)).ToList();
        if (unknown.Count > 0)
        {
            throw new Ec2Fault("InvalidInstanceID.NotFound", $"The instance IDs '{string.Join(", ", unknown)}' do not exist");
        }

        var matching = cloud.All.Where(i => (ids.Count == 0 || ids.Contains(i.Id)) && query.Members("Filter").All(f => Matches(i, f["Name"]!, f.List("Value")))).ToList();
        var offset = query["NextToken"] is { } token ? int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), CultureInfo.InvariantCulture) : 0;
        var size = Math.Min(maxResults ?? int.MaxValue, cloud.PageLimit);
        var page = matching.Skip(offset).Take(size).ToList();
        var next = offset + page.Count < matching.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes((offset + page.Count).ToString(CultureInfo.InvariantCulture))) : null;
        var answer = Response("DescribeInstances",
            Set("reservationSet", page.GroupBy(i => i.ReservationId).Select(g => Reservation(g.Key, g))),
            next is null ? null : E("nextToken", next));
        foreach (var instance in page)
        {
            Advance(instance, cloud);
        }

        return answer;
    }

    private static XDocument TerminateInstances(QueryParameters query, EmulatedCloud cloud)
    {
        var ids = query.List("InstanceId");
        var unknown = ids.Where(id => cloud.All.All(i => i.Id != id)).ToList();
        if (ids.Count == 0 || unknown.Count > 0)
        {
            throw ids.Count == 0
                ? new Ec2Fault("MissingParameter", "The request must contain the parameter InstanceId")
                : new Ec2Fault("InvalidInstanceID.NotFound", $"The instance IDs '{string.Join(", ", unknown)}' do not exist");
        }

        var instances = ids.Select(id => cloud.All.Single(i => i.Id == id)).ToList();
        if (cloud.TerminateCondition is { } condition && instances.FirstOrDefault(i => !i.Tags.TryGetValue(condition.Key, out var value) || value != condition.Value) is { } untagged)
        {
            throw new Ec2Fault("UnauthorizedOperation", $"You are not authorized to perform this operation. User is not authorized to perform: ec2:TerminateInstances on resource: {untagged.Id} because no identity-based policy allows it.", 403);
        }

        var changes = instances.Select(i =>
        {
            var previous = i.State;
            i.State = previous == "terminated" ? "terminated" : "shutting-down";
            i.StateReasonCode = "Client.UserInitiatedShutdown";
            i.StateReasonMessage = "Client.UserInitiatedShutdown: User initiated shutdown";
            return new object?[] { E("instanceId", i.Id), E("currentState", State(i.State)), E("previousState", State(previous)) };
        }).ToList();
        return Response("TerminateInstances", Set("instancesSet", changes));
    }

    private static XDocument CreateTags(QueryParameters query, EmulatedCloud cloud)
    {
        var ids = query.List("ResourceId");
        var unknown = ids.Where(id => cloud.All.All(i => i.Id != id)).ToList();
        if (unknown.Count > 0)
        {
            throw new Ec2Fault("InvalidInstanceID.NotFound", $"The instance ID '{unknown[0]}' does not exist");
        }

        foreach (var instance in cloud.All.Where(i => ids.Contains(i.Id)))
        {
            foreach (var tag in query.Members("Tag"))
            {
                instance.Tags[tag["Key"]!] = tag["Value"] ?? string.Empty;
            }
        }

        return Response("CreateTags", E("return", "true"));
    }

    /// <summary>What a described instance does next: pending becomes running, shutting-down becomes terminated.</summary>
    private static void Advance(EmulatedInstance instance, EmulatedCloud cloud)
    {
        instance.Describes++;
        if (instance.State == "pending" && instance.Describes >= cloud.DescribesUntilRunning)
        {
            instance.State = "running";
        }
        else if (instance.State == "shutting-down")
        {
            instance.State = "terminated";
        }
    }

    private static bool Matches(EmulatedInstance instance, string name, IReadOnlyList<string> values) => name switch
    {
        "instance-id" => values.Contains(instance.Id),
        "instance-state-name" => values.Contains(instance.State),
        "instance-type" => values.Contains(instance.InstanceType),
        "subnet-id" => values.Contains(instance.SubnetId),
        "tag-key" => values.Any(instance.Tags.ContainsKey),
        _ when name.StartsWith("tag:", StringComparison.Ordinal) => instance.Tags.TryGetValue(name[4..], out var value) && values.Contains(value),
        _ => throw new Ec2Fault("InvalidParameterValue", $"The filter '{name}' is invalid"),
    };

    private static IEnumerable<string> Matching(QueryParameters query, string filterName, string listName, IEnumerable<string> known)
    {
        var named = query.List(listName);
        var filtered = query.Members("Filter").Where(f => f["Name"] == filterName).SelectMany(f => f.List("Value")).ToList();
        var missing = named.Where(id => !known.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            throw new Ec2Fault($"Invalid{(listName == "ImageId" ? "AMIID" : listName == "SubnetId" ? "SubnetID" : "GroupId")}.NotFound", $"The ID '{missing[0]}' does not exist");
        }

        return known.Where(id => (named.Count == 0 || named.Contains(id)) && (filtered.Count == 0 || filtered.Contains(id))).ToList();
    }

    private static EmulatedLaunchTemplate? LaunchTemplate(QueryParameters specification, EmulatedCloud cloud)
    {
        if (specification["LaunchTemplateId"] is null && specification["LaunchTemplateName"] is null)
        {
            return null;
        }

        return cloud.LaunchTemplates.FirstOrDefault(t => t.Id == specification["LaunchTemplateId"] || t.Name == specification["LaunchTemplateName"])
            ?? throw new Ec2Fault("InvalidLaunchTemplateId.NotFound", $"The specified launch template, with template ID {specification["LaunchTemplateId"] ?? specification["LaunchTemplateName"]}, does not exist.");
    }

    private static void CheckImage(string image, EmulatedCloud cloud)
    {
        if (!cloud.Images.ContainsKey(image))
        {
            throw new Ec2Fault("InvalidAMIID.NotFound", $"The image id '[{image}]' does not exist");
        }
    }

    private static XElement FleetSpecification(QueryParameters config, string type, string subnet) =>
        E("launchTemplateAndOverrides",
            E("launchTemplateSpecification",
                E("launchTemplateId", config["LaunchTemplateSpecification.LaunchTemplateId"] ?? EmulatedCloud.LaunchTemplateId),
                E("version", config["LaunchTemplateSpecification.Version"] ?? "1")),
            E("overrides", E("instanceType", type), E("subnetId", subnet)));
}
