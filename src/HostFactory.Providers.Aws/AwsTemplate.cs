namespace HostFactory.Providers.Aws;

/// <summary>Which EC2 API makes a template's instances (the template's <c>providerApi</c>).</summary>
internal enum ProviderApi
{
    /// <summary><c>RunInstances</c> with MinCount 1 and MaxCount n: one instance type, one subnet.</summary>
    RunInstances,

    /// <summary><c>CreateFleet</c> of type <c>instant</c>: several instance types and subnets, on-demand and spot mixed.</summary>
    Ec2Fleet,
}

/// <summary>How a template's instances are paid for (the template's <c>priceType</c>).</summary>
internal enum PriceType
{
    /// <summary><c>ondemand</c>.</summary>
    OnDemand,

    /// <summary><c>spot</c>: AWS may take the instance back (a spot interruption).</summary>
    Spot,

    /// <summary><c>heterogeneous</c>: an EC2 Fleet with <c>percentOnDemand</c> of its capacity on demand, the rest spot.</summary>
    Heterogeneous,
}

/// <summary>
/// An <c>aws-ec2</c> template's provider fields, read and checked by <see cref="AwsTemplateReader"/>. The field names are
/// those of IBM's and the open plugins' <c>awsprov_templates.json</c>.
/// </summary>
internal sealed record AwsTemplate
{
    /// <summary>The template's id, for messages and the ownership tag.</summary>
    public required string TemplateId { get; init; }

    /// <summary><c>providerApi</c>.</summary>
    public ProviderApi Api { get; init; }

    /// <summary><c>imageId</c> when it is an AMI id.</summary>
    public string? ImageId { get; init; }

    /// <summary><c>imageId</c> when it is a Systems Manager parameter, resolved to an AMI id at request time.</summary>
    public string? ImageParameter { get; init; }

    /// <summary><c>vmType</c>.</summary>
    public string? VmType { get; init; }

    /// <summary><c>vmTypes</c>: instance type to weight (the capacity units one instance of it counts for).</summary>
    public IReadOnlyDictionary<string, double>? VmTypes { get; init; }

    /// <summary><c>subnetId</c> (one, or several separated by commas) or <c>subnetIds</c>.</summary>
    public IReadOnlyList<string> SubnetIds { get; init; } = [];

    /// <summary>Which field named the subnets, for messages: <c>subnetId</c> or <c>subnetIds</c>.</summary>
    public string SubnetField { get; init; } = "subnetId";

    /// <summary><c>securityGroupIds</c>.</summary>
    public IReadOnlyList<string> SecurityGroupIds { get; init; } = [];

    /// <summary><c>keyName</c>.</summary>
    public string? KeyName { get; init; }

    /// <summary><c>instanceProfile</c>: an instance profile ARN or name.</summary>
    public string? InstanceProfile { get; init; }

    /// <summary><c>userData</c>: the user data itself.</summary>
    public string? UserData { get; init; }

    /// <summary><c>userDataScript</c>, resolved: a file whose content is the user data, read at request time.</summary>
    public string? UserDataScript { get; init; }

    /// <summary><c>instanceTags</c> (<c>k=v;k=v</c>), put on every instance at launch.</summary>
    public IReadOnlyDictionary<string, string> InstanceTags { get; init; } = new Dictionary<string, string>();

    /// <summary><c>rootDeviceVolumeSize</c> in GiB.</summary>
    public int? RootDeviceVolumeSize { get; init; }

    /// <summary><c>volumeType</c> of the root volume.</summary>
    public string? VolumeType { get; init; }

    /// <summary><c>priceType</c>.</summary>
    public PriceType PriceType { get; init; }

    /// <summary><c>maxSpotPrice</c> in USD per hour, as AWS takes it (a decimal string).</summary>
    public string? MaxSpotPrice { get; init; }

    /// <summary><c>percentOnDemand</c> of a heterogeneous fleet's capacity.</summary>
    public int? PercentOnDemand { get; init; }

    /// <summary><c>allocationStrategy</c> of a fleet's spot capacity, in AWS's spelling (e.g. <c>price-capacity-optimized</c>).</summary>
    public string? AllocationStrategy { get; init; }

    /// <summary><c>launchTemplateId</c>.</summary>
    public string? LaunchTemplateId { get; init; }

    /// <summary><c>launchTemplateName</c>.</summary>
    public string? LaunchTemplateName { get; init; }

    /// <summary><c>launchTemplateVersion</c>: a number, <c>$Latest</c> or <c>$Default</c> (default).</summary>
    public string LaunchTemplateVersion { get; init; } = "$Default";

    /// <summary>True when the template names a launch template.</summary>
    public bool HasLaunchTemplate => LaunchTemplateId is not null || LaunchTemplateName is not null;

    /// <summary>True when its instances are spot instances, all or some.</summary>
    public bool UsesSpot => PriceType != PriceType.OnDemand;
}
