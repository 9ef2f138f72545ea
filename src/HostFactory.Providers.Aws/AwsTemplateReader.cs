using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;

namespace HostFactory.Providers.Aws;

/// <summary>
/// Reads an <c>aws-ec2</c> template's provider fields into an <see cref="AwsTemplate"/> and checks every one of them
/// without calling AWS, reporting each problem as <c>Template 'x' setting 'field' …</c>. A field this provider does not
/// know is a problem too, so a misspelt field is never silently ignored.
/// </summary>
internal static partial class AwsTemplateReader
{
    /// <summary>The largest user data EC2 accepts, before base64 encoding.</summary>
    public const int MaxUserDataBytes = 16 * 1024;

    private static readonly string[] KnownFields =
    [
        "imageId", "vmType", "vmTypes", "subnetId", "subnetIds", "securityGroupIds", "keyName", "instanceProfile",
        "userData", "userDataScript", "instanceTags", "rootDeviceVolumeSize", "volumeType", "priceType", "maxSpotPrice",
        "percentOnDemand", "allocationStrategy", "launchTemplateId", "launchTemplateName", "launchTemplateVersion", "providerApi",
    ];

    private static readonly string[] VolumeTypes = ["standard", "gp2", "gp3", "io1", "io2", "sc1", "st1"];

    // IBM's and the open plugins' spellings, and AWS's own, of a fleet's spot allocation strategy.
    private static readonly Dictionary<string, string> AllocationStrategies = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lowestPrice"] = "lowest-price",
        ["lowest-price"] = "lowest-price",
        ["diversified"] = "diversified",
        ["capacityOptimized"] = "capacity-optimized",
        ["capacity-optimized"] = "capacity-optimized",
        ["capacityOptimizedPrioritized"] = "capacity-optimized-prioritized",
        ["capacity-optimized-prioritized"] = "capacity-optimized-prioritized",
        ["priceCapacityOptimized"] = "price-capacity-optimized",
        ["price-capacity-optimized"] = "price-capacity-optimized",
    };

    /// <summary>Reads and checks <paramref name="template"/>'s fields; <paramref name="problems"/> lists every problem found.</summary>
    /// <returns>The template, or null when there is a problem.</returns>
    public static AwsTemplate? Read(TemplateSnapshot template, ProviderContext context, out IReadOnlyList<string> problems)
    {
        var reading = new Reading(template);
        var result = reading.Read(context);
        problems = reading.Problems;
        return reading.Problems.Count == 0 ? result : null;
    }

    /// <summary>Parses <c>instanceTags</c>: <c>key=value</c> pairs separated by semicolons.</summary>
    /// <returns>The tags, or null with <paramref name="problem"/> saying what is wrong.</returns>
    public static IReadOnlyDictionary<string, string>? ParseTags(string text, out string? problem)
    {
        problem = null;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? pair : pair[..equals].Trim();
            var value = equals < 0 ? null : pair[(equals + 1)..].Trim();
            problem = value is null ? $"has '{pair}', which is not key=value"
                : key.Length is 0 or > 128 ? $"has the key '{key}', which is not 1 to 128 characters"
                : value.Length > 256 ? $"has a value for '{key}' longer than 256 characters"
                : key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase) ? $"has the key '{key}'; keys starting with 'aws:' are AWS's own"
                : OwnershipTags.IsOwnershipKey(key) ? $"has the key '{key}', which HostFactory sets itself"
                : !tags.TryAdd(key, value) ? $"has the key '{key}' twice"
                : null;
            if (problem is not null)
            {
                return null;
            }
        }

        return tags.Count > 50 - OwnershipTags.Count ? Fail($"has {tags.Count} tags; an instance takes 50, {OwnershipTags.Count} of them HostFactory's own", out problem) : tags;
    }

    private static IReadOnlyDictionary<string, string>? Fail(string why, out string? problem)
    {
        problem = why;
        return null;
    }

    [GeneratedRegex("^ami-[0-9a-f]{8}([0-9a-f]{9})?$", RegexOptions.CultureInvariant)]
    private static partial Regex AmiId();

    [GeneratedRegex("^(resolve:ssm:)?/[A-Za-z0-9_.\\-/]{1,1010}$", RegexOptions.CultureInvariant)]
    private static partial Regex SsmParameter();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*\\.[a-z0-9-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex InstanceType();

    [GeneratedRegex("^subnet-[0-9a-f]{8}([0-9a-f]{9})?$", RegexOptions.CultureInvariant)]
    private static partial Regex SubnetId();

    [GeneratedRegex("^sg-[0-9a-f]{8}([0-9a-f]{9})?$", RegexOptions.CultureInvariant)]
    private static partial Regex SecurityGroupId();

    [GeneratedRegex("^lt-[0-9a-f]{8}([0-9a-f]{9})?$", RegexOptions.CultureInvariant)]
    private static partial Regex LaunchTemplateId();

    [GeneratedRegex("^([1-9][0-9]{0,17}|\\$Latest|\\$Default)$", RegexOptions.CultureInvariant)]
    private static partial Regex LaunchTemplateVersion();

    [GeneratedRegex("^arn:aws[a-z-]*:iam::[0-9]{12}:instance-profile/.+$", RegexOptions.CultureInvariant)]
    private static partial Regex InstanceProfileArn();

    /// <summary>One reading of one template: the fields read so far and every problem found.</summary>
    private sealed class Reading(TemplateSnapshot template)
    {
        private readonly TemplateFieldReader _fields = new(template);

        public List<string> Problems => _fields.Problems;

        public AwsTemplate Read(ProviderContext context)
        {
            foreach (var key in template.ProviderSettings.Values.Keys.Where(k => !KnownFields.Contains(k, StringComparer.Ordinal)))
            {
                _fields.Problem(key, $"is not an aws-ec2 template field (known fields: {string.Join(", ", KnownFields)})");
            }

            var api = _fields.Choice("providerApi", ProviderApi.RunInstances, ("RunInstances", ProviderApi.RunInstances), ("EC2Fleet", ProviderApi.Ec2Fleet));
            var priceType = _fields.Choice("priceType", PriceType.OnDemand, ("ondemand", PriceType.OnDemand), ("spot", PriceType.Spot), ("heterogeneous", PriceType.Heterogeneous));
            var result = new AwsTemplate
            {
                TemplateId = template.Id.Value,
                Api = api,
                PriceType = priceType,
                VmType = _fields.Matching("vmType", InstanceType(), "an instance type such as m5.large"),
                VmTypes = ReadVmTypes(),
                SubnetIds = ReadSubnets(),
                SubnetField = _fields.Has("subnetIds") ? "subnetIds" : "subnetId",
                SecurityGroupIds = _fields.List("securityGroupIds", SecurityGroupId(), "a security group id (sg-…)"),
                KeyName = _fields.Text("keyName", 255),
                InstanceProfile = _fields.Text("instanceProfile", 2048),
                UserData = _fields.Text("userData", MaxUserDataBytes),
                UserDataScript = ReadUserDataScript(context),
                InstanceTags = ReadTags(),
                RootDeviceVolumeSize = _fields.Number("rootDeviceVolumeSize", 1, 65536),
                VolumeType = _fields.OneOf("volumeType", VolumeTypes),
                MaxSpotPrice = ReadPrice(),
                PercentOnDemand = _fields.Number("percentOnDemand", 0, 100),
                AllocationStrategy = _fields.OneOf("allocationStrategy", AllocationStrategies.Keys.ToArray()) is { } strategy ? AllocationStrategies[strategy] : null,
                LaunchTemplateId = _fields.Matching("launchTemplateId", LaunchTemplateId(), "a launch template id (lt-…)"),
                LaunchTemplateName = _fields.Text("launchTemplateName", 128),
                LaunchTemplateVersion = _fields.Matching("launchTemplateVersion", LaunchTemplateVersion(), "a version number, $Latest or $Default") ?? "$Default",
            };
            result = ReadImage(result);
            CheckCombinations(result);
            return result;
        }

        private AwsTemplate ReadImage(AwsTemplate result)
        {
            var image = _fields.Text("imageId", 2048);
            if (image is null)
            {
                return result;
            }

            if (AmiId().IsMatch(image))
            {
                return result with { ImageId = image };
            }

            if (SsmParameter().IsMatch(image))
            {
                return result with { ImageParameter = image.StartsWith("resolve:ssm:", StringComparison.Ordinal) ? image["resolve:ssm:".Length..] : image };
            }

            _fields.Problem("imageId", $"is '{image}', which is neither an AMI id (ami-…) nor a Systems Manager parameter path (/…)");
            return result;
        }

        private void CheckCombinations(AwsTemplate t)
        {
            if (t.ImageId is null && t.ImageParameter is null && !t.HasLaunchTemplate && !_fields.Has("imageId"))
            {
                _fields.Problem("imageId", "is required unless the template names a launch template (launchTemplateId or launchTemplateName)");
            }

            if (t.VmType is null && t.VmTypes is null && !t.HasLaunchTemplate && !_fields.Has("vmType") && !_fields.Has("vmTypes"))
            {
                _fields.Problem("vmType", "is required (or vmTypes for an EC2Fleet template) unless the template names a launch template");
            }

            _fields.Exclusive("vmType", "vmTypes");
            _fields.Exclusive("subnetId", "subnetIds");
            _fields.Exclusive("userData", "userDataScript");
            _fields.Exclusive("launchTemplateId", "launchTemplateName");
            if (_fields.Has("launchTemplateVersion") && !t.HasLaunchTemplate)
            {
                _fields.Problem("launchTemplateVersion", "needs launchTemplateId or launchTemplateName");
            }

            if (t.Api == ProviderApi.RunInstances)
            {
                foreach (var field in new[] { "vmTypes", "allocationStrategy", "percentOnDemand" }.Where(_fields.Has))
                {
                    _fields.Problem(field, "applies to EC2 Fleet only; set providerApi to EC2Fleet");
                }

                // Several subnets are fine: RunInstances takes one, so each request is placed in one of them.
                if (t.PriceType == PriceType.Heterogeneous)
                {
                    _fields.Problem("priceType", "heterogeneous (on-demand and spot mixed) needs providerApi EC2Fleet");
                }
            }
            else
            {
                if (!t.HasLaunchTemplate)
                {
                    _fields.Problem("providerApi", "EC2Fleet launches only from a launch template: set launchTemplateId or launchTemplateName");
                }

                foreach (var field in new[] { "securityGroupIds", "keyName", "instanceProfile", "userData", "userDataScript", "rootDeviceVolumeSize", "volumeType" }.Where(_fields.Has))
                {
                    _fields.Problem(field, "cannot be set per EC2 Fleet request; put it in the launch template");
                }
            }

            if (t.PriceType == PriceType.Heterogeneous && t.PercentOnDemand is null && !_fields.Has("percentOnDemand"))
            {
                _fields.Problem("percentOnDemand", "is required with priceType heterogeneous (the share of the capacity bought on demand, 0 to 100)");
            }
            else if (t.PriceType != PriceType.Heterogeneous && _fields.Has("percentOnDemand"))
            {
                _fields.Problem("percentOnDemand", "applies to priceType heterogeneous only");
            }

            if (!t.UsesSpot && (_fields.Has("maxSpotPrice") || _fields.Has("allocationStrategy")))
            {
                _fields.Problem(_fields.Has("maxSpotPrice") ? "maxSpotPrice" : "allocationStrategy", "applies to spot capacity only (priceType spot or heterogeneous)");
            }

            if (_fields.Has("volumeType") && !_fields.Has("rootDeviceVolumeSize") && !_fields.Has("imageId"))
            {
                _fields.Problem("volumeType", "needs imageId (the root device's name comes from the image)");
            }

            if (_fields.Has("rootDeviceVolumeSize") && !_fields.Has("imageId"))
            {
                _fields.Problem("rootDeviceVolumeSize", "needs imageId (the root device's name comes from the image)");
            }

            if (t.InstanceProfile is { } profile && profile.StartsWith("arn:", StringComparison.Ordinal) && !InstanceProfileArn().IsMatch(profile))
            {
                _fields.Problem("instanceProfile", $"is '{profile}', which is not an instance profile ARN (arn:aws:iam::<account>:instance-profile/<name>)");
            }
        }

        private IReadOnlyDictionary<string, double>? ReadVmTypes()
        {
            if (_fields.Raw("vmTypes") is not { } raw)
            {
                return null;
            }

            using var document = JsonDocument.Parse(raw);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                _fields.Problem("vmTypes", "must be a JSON object of instance type to weight, e.g. { \"m5.large\": 1, \"m5.xlarge\": 2 }");
                return null;
            }

            var types = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!InstanceType().IsMatch(property.Name))
                {
                    _fields.Problem("vmTypes", $"has '{property.Name}', which is not an instance type such as m5.large");
                }
                else if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out var weight) || weight is <= 0 or > 10000)
                {
                    _fields.Problem("vmTypes", $"gives '{property.Name}' the weight {property.Value.GetRawText()}; a weight is a number above 0 and at most 10000");
                }
                else
                {
                    types[property.Name] = weight;
                }
            }

            if (!document.RootElement.EnumerateObject().Any())
            {
                _fields.Problem("vmTypes", "must name at least one instance type");
            }

            return types.Count == 0 ? null : types;
        }

        private IReadOnlyList<string> ReadSubnets()
        {
            if (_fields.String("subnetId") is { } single)
            {
                var ids = single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                foreach (var id in ids.Where(id => !SubnetId().IsMatch(id)))
                {
                    _fields.Problem("subnetId", $"has '{id}', which is not a subnet id (subnet-…)");
                }

                return ids;
            }

            return _fields.List("subnetIds", SubnetId(), "a subnet id (subnet-…)");
        }

        private string? ReadUserDataScript(ProviderContext context)
        {
            if (_fields.Text("userDataScript", 4096) is not { } path)
            {
                return null;
            }

            var full = context.ResolvePath(path);
            if (!File.Exists(full))
            {
                _fields.Problem("userDataScript", $"names '{full}', which does not exist");
            }
            else if (new FileInfo(full).Length > MaxUserDataBytes)
            {
                _fields.Problem("userDataScript", $"names '{full}', which is larger than the {MaxUserDataBytes} bytes of user data EC2 accepts");
            }

            return full;
        }

        private IReadOnlyDictionary<string, string> ReadTags()
        {
            if (_fields.Text("instanceTags", 20000) is not { } text)
            {
                return new Dictionary<string, string>();
            }

            if (ParseTags(text, out var problem) is { } tags)
            {
                return tags;
            }

            _fields.Problem("instanceTags", problem!);
            return new Dictionary<string, string>();
        }

        private string? ReadPrice()
        {
            if (_fields.Raw("maxSpotPrice") is not { } raw)
            {
                return null;
            }

            using var document = JsonDocument.Parse(raw);
            var element = document.RootElement;
            var text = element.ValueKind switch
            {
                JsonValueKind.Number => element.GetRawText(),
                JsonValueKind.String => element.GetString(),
                _ => null,
            };
            if (text is null || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price) || price <= 0)
            {
                _fields.Problem("maxSpotPrice", $"is {raw}, which is not a price in USD per hour above 0 such as 0.05");
                return null;
            }

            return price.ToString(CultureInfo.InvariantCulture);
        }

    }
}
