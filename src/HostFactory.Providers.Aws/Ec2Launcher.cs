using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using GetParameterRequest = Amazon.SimpleSystemsManagement.Model.GetParameterRequest;
using HostFactory.Common;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Abstractions;
using Microsoft.Extensions.Logging;

namespace HostFactory.Providers.Aws;

/// <summary>
/// Makes instances for one provision call: with <c>RunInstances</c> (MinCount 1, MaxCount n: fewer is a partial
/// launch) or an instant <c>CreateFleet</c> (per-specification errors go into the result's message). Both carry the
/// provision key as their <c>ClientToken</c>, so a call repeated under the key — after a timeout, a crash, a retry —
/// gets the instances of the first one back instead of new ones, and both tag the instances at launch with the
/// template's <c>instanceTags</c> and the ownership tags.
/// </summary>
internal sealed class Ec2Launcher(Ec2Clients clients, ProviderContext context, AwsProviderOptions options, string cluster, ILogger logger)
{
    private const string IdempotentParameterMismatch = "IdempotentParameterMismatch";

    /// <summary>Launches the instances of <paramref name="request"/> from <paramref name="template"/>.</summary>
    /// <exception cref="TransientProviderException">Throttled or unreachable before anything was made.</exception>
    /// <exception cref="MachineProviderException">Nothing could be made; the message names the AWS action and code.</exception>
    public async Task<ProvisionResult> LaunchAsync(ProvisionRequest request, AwsTemplate template, CancellationToken cancellationToken)
    {
        var image = await ResolveImageAsync(template, cancellationToken);
        var tags = OwnershipTags.For(request.Key, template.TemplateId, cluster);
        tags.AddRange(template.InstanceTags.Select(static t => new Tag(t.Key, t.Value)));
        var action = template.Api == ProviderApi.RunInstances ? "ec2:RunInstances" : "ec2:CreateFleet";
        AwsLog.Launching(logger, context.InstanceName, action, request.Count, template.TemplateId, request.Key.Value);
        try
        {
            var result = template.Api == ProviderApi.RunInstances
                ? await RunInstancesAsync(request, template, image, tags, cancellationToken)
                : await CreateFleetAsync(request, template, image, tags, cancellationToken);
            AwsLog.Launched(logger, context.InstanceName, action, request.Key.Value, result.Machines.Count, request.Count, string.Join(' ', result.Machines.Select(static m => m.ProviderMachineId)));
            return result;
        }
        catch (AmazonEC2Exception exception) when (exception.ErrorCode == IdempotentParameterMismatch)
        {
            // The key was used before with other parameters (the template, or the image behind a parameter, changed
            // since): AWS will not repeat that call, so the instances it made are found by the key's tag instead.
            AwsLog.ParametersChanged(logger, context.InstanceName, request.Key.Value, IdempotentParameterMismatch);
            return await MadeUnderKeyAsync(request, action, cancellationToken);
        }
    }

    private async Task<ProvisionResult> RunInstancesAsync(
        ProvisionRequest request, AwsTemplate template, string? image, List<Tag> tags, CancellationToken cancellationToken)
    {
        var run = new RunInstancesRequest
        {
            ClientToken = request.Key.Value,
            MinCount = 1,
            MaxCount = request.Count,
            ImageId = image,
            InstanceType = template.VmType is null ? null : InstanceType.FindValue(template.VmType),
            SubnetId = template.SubnetIds.Count == 0 ? null : template.SubnetIds[Spread(request.RequestId.Value, template.SubnetIds.Count)],
            SecurityGroupIds = template.SecurityGroupIds.Count == 0 ? null : [.. template.SecurityGroupIds],
            KeyName = template.KeyName,
            IamInstanceProfile = template.InstanceProfile is not { } profile ? null
                : profile.StartsWith("arn:", StringComparison.Ordinal) ? new IamInstanceProfileSpecification { Arn = profile }
                : new IamInstanceProfileSpecification { Name = profile },
            UserData = await UserDataAsync(template, cancellationToken),
            BlockDeviceMappings = await RootVolumeAsync(template, image, cancellationToken),
            InstanceMarketOptions = template.PriceType == PriceType.Spot
                ? new InstanceMarketOptionsRequest
                {
                    MarketType = MarketType.Spot,
                    SpotOptions = new SpotMarketOptions
                    {
                        MaxPrice = template.MaxSpotPrice,
                        SpotInstanceType = SpotInstanceType.OneTime,
                        InstanceInterruptionBehavior = InstanceInterruptionBehavior.Terminate,
                    },
                }
                : null,
            LaunchTemplate = template.HasLaunchTemplate
                ? new LaunchTemplateSpecification { LaunchTemplateId = template.LaunchTemplateId, LaunchTemplateName = template.LaunchTemplateName, Version = template.LaunchTemplateVersion }
                : null,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = tags }],
        };
        var response = await Ec2Errors.CallAsync("ec2:RunInstances", () => clients.Ec2.RunInstancesAsync(run, cancellationToken), cancellationToken, IdempotentParameterMismatch);
        var now = context.TimeProvider.GetUtcNow();
        var made = (response.Reservation?.Instances ?? []).Select(i => Ec2Instances.ToMachine(i, options.Region, now)).ToList();
        return made.Count == 0 ? ProvisionResult.Failure("ec2:RunInstances launched no instance and gave no error.")
            : made.Count < request.Count
                ? ProvisionResult.Partial(made, $"ec2:RunInstances launched {made.Count} of {request.Count} instances: EC2 had capacity for no more (MinCount 1).")
                : ProvisionResult.Success(made);
    }

    private async Task<ProvisionResult> CreateFleetAsync(
        ProvisionRequest request, AwsTemplate template, string? image, List<Tag> tags, CancellationToken cancellationToken)
    {
        var onDemand = template.PriceType switch
        {
            PriceType.OnDemand => request.Count,
            PriceType.Spot => 0,
            _ => (int)Math.Round(request.Count * template.PercentOnDemand!.Value / 100.0, MidpointRounding.AwayFromZero),
        };
        var fleet = new CreateFleetRequest
        {
            Type = FleetType.Instant,
            ClientToken = request.Key.Value,
            LaunchTemplateConfigs =
            [
                new FleetLaunchTemplateConfigRequest
                {
                    LaunchTemplateSpecification = new FleetLaunchTemplateSpecificationRequest
                    {
                        LaunchTemplateId = template.LaunchTemplateId,
                        LaunchTemplateName = template.LaunchTemplateName,
                        Version = template.LaunchTemplateVersion,
                    },
                    Overrides = Overrides(template, image),
                },
            ],
            TargetCapacitySpecification = new TargetCapacitySpecificationRequest
            {
                TotalTargetCapacity = request.Count,
                OnDemandTargetCapacity = onDemand,
                SpotTargetCapacity = request.Count - onDemand,
                DefaultTargetCapacityType = onDemand == request.Count ? DefaultTargetCapacityType.OnDemand : DefaultTargetCapacityType.Spot,
            },
            SpotOptions = template.AllocationStrategy is { } strategy ? new SpotOptionsRequest { AllocationStrategy = SpotAllocationStrategy.FindValue(strategy) } : null,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = tags }],
        };
        var response = await Ec2Errors.CallAsync("ec2:CreateFleet", () => clients.Ec2.CreateFleetAsync(fleet, cancellationToken), cancellationToken, IdempotentParameterMismatch);
        var made = await DescribeMadeAsync(response.Instances ?? [], cancellationToken);
        var errors = (response.Errors ?? [])
            .Select(static e => $"{Specification(e.Lifecycle?.Value, e.LaunchTemplateAndOverrides?.Overrides)}: {e.ErrorCode}: {e.ErrorMessage}")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var message = errors.Count > 0 ? $"EC2 Fleet {response.FleetId} launched {made.Count} instance(s); it could not launch: {string.Join("; ", errors)}"
            : made.Count < request.Count ? $"EC2 Fleet {response.FleetId} filled its target capacity of {request.Count} unit(s) with {made.Count} instance(s) (vmTypes weights)."
            : null;
        return made.Count == 0 ? ProvisionResult.Failure(message ?? $"EC2 Fleet {response.FleetId} launched no instance and gave no error.")
            : message is null ? ProvisionResult.Success(made)
            : ProvisionResult.Partial(made, message);
    }

    /// <summary>One override per instance type and subnet, each carrying the resolved image and the spot price limit.</summary>
    private static List<FleetLaunchTemplateOverridesRequest>? Overrides(AwsTemplate template, string? image)
    {
        if (template.VmType is null && template.VmTypes is null && template.SubnetIds.Count == 0 && image is null && template.MaxSpotPrice is null)
        {
            return null;
        }

        // Without vmType(s) the launch template's own type is used: one override per subnet carries the rest.
        IReadOnlyList<(string? Type, double? Weight)> types = template.VmTypes is { } weighted
            ? [.. weighted.Select(static t => ((string?)t.Key, (double?)t.Value))]
            : [(template.VmType, null)];
        IReadOnlyList<string?> subnets = template.SubnetIds.Count == 0 ? [null] : [.. template.SubnetIds];
        return [.. types.SelectMany(type => subnets.Select(subnet => new FleetLaunchTemplateOverridesRequest
        {
            InstanceType = type.Type is null ? null : InstanceType.FindValue(type.Type),
            WeightedCapacity = type.Weight,
            SubnetId = subnet,
            ImageId = image,
            MaxPrice = template.MaxSpotPrice,
        }))];
    }

    /// <summary>
    /// The fleet's instances as <c>DescribeInstances</c> shows them (name, addresses, launch time); an instance it does
    /// not show yet (EC2 is eventually consistent) is reported pending from what the fleet said of it.
    /// </summary>
    private async Task<List<ProvisionedMachine>> DescribeMadeAsync(List<CreateFleetInstance> launched, CancellationToken cancellationToken)
    {
        var ids = launched.SelectMany(static l => l.InstanceIds ?? []).Distinct(StringComparer.Ordinal).ToList();
        var now = context.TimeProvider.GetUtcNow();
        IReadOnlyList<Instance> seen = [];
        try
        {
            seen = ids.Count == 0 ? [] : await Ec2Instances.DescribeByIdsAsync(clients.Ec2, ids, cancellationToken);
        }
        catch (MachineProviderException exception)
        {
            // The instances exist: they are reported from the fleet's answer, and the next describe fills them in.
            AwsLog.CallFailed(logger, context.InstanceName, "ec2:DescribeInstances", exception.Message);
        }

        var byId = seen.ToDictionary(static i => i.InstanceId, StringComparer.Ordinal);
        return [.. launched.SelectMany(l => (l.InstanceIds ?? []).Select(id => byId.TryGetValue(id, out var instance)
            ? Ec2Instances.ToMachine(instance, options.Region, now)
            : Ec2Instances.Unseen(id, l.InstanceType?.Value, l.Lifecycle?.Value, options.Region, now)))
            .DistinctBy(static m => m.ProviderMachineId)];
    }

    private async Task<ProvisionResult> MadeUnderKeyAsync(ProvisionRequest request, string action, CancellationToken cancellationToken)
    {
        var now = context.TimeProvider.GetUtcNow();
        var held = await Ec2Instances.DescribeAsync(clients.Ec2, Ec2Instances.OwnedBy(cluster, provisionKey: request.Key.Value), cancellationToken);
        var made = held.Select(i => Ec2Instances.ToMachine(i, options.Region, now)).ToList();
        var why = $"{action} refused to repeat key {request.Key.Value} with other parameters ({IdempotentParameterMismatch})";
        return made.Count == 0 ? ProvisionResult.Failure($"{why}, and no live instance carries the key.")
            : made.Count < request.Count ? ProvisionResult.Partial(made, $"{why}; {made.Count} of {request.Count} instances made under the key are live.")
            : ProvisionResult.Success(made);
    }

    /// <summary>The AMI id of the template's image: its <c>imageId</c>, or the value of its Systems Manager parameter now.</summary>
    private async Task<string?> ResolveImageAsync(AwsTemplate template, CancellationToken cancellationToken)
    {
        if (template.ImageParameter is not { } parameter)
        {
            return template.ImageId;
        }

        var answer = await Ec2Errors.CallAsync(
            "ssm:GetParameter", () => clients.Ssm.GetParameterAsync(new GetParameterRequest { Name = parameter }, cancellationToken), cancellationToken);
        var image = answer.Parameter?.Value;
        if (image is null || !image.StartsWith("ami-", StringComparison.Ordinal))
        {
            throw new MachineProviderException($"Template '{template.TemplateId}' setting 'imageId': parameter '{parameter}' holds '{image}', which is not an AMI id.");
        }

        AwsLog.ImageResolved(logger, context.InstanceName, parameter, image);
        return image;
    }

    private static async Task<string?> UserDataAsync(AwsTemplate template, CancellationToken cancellationToken)
    {
        var bytes = template.UserData is { } text ? Encoding.UTF8.GetBytes(text)
            : template.UserDataScript is { } path ? await File.ReadAllBytesAsync(path, cancellationToken)
            : null;
        return bytes is null ? null
            : bytes.Length <= AwsTemplateReader.MaxUserDataBytes ? Convert.ToBase64String(bytes)
            : throw new MachineProviderException($"Template '{template.TemplateId}': its user data is {bytes.Length} bytes; EC2 accepts {AwsTemplateReader.MaxUserDataBytes}.");
    }

    /// <summary>The root volume's size and type, on the image's root device (whose name only the image knows).</summary>
    private async Task<List<BlockDeviceMapping>?> RootVolumeAsync(AwsTemplate template, string? image, CancellationToken cancellationToken)
    {
        if ((template.RootDeviceVolumeSize is null && template.VolumeType is null) || image is null)
        {
            return null;
        }

        var images = await Ec2Errors.CallAsync(
            "ec2:DescribeImages", () => clients.Ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [image] }, cancellationToken), cancellationToken);
        var device = images.Images?.FirstOrDefault()?.RootDeviceName
            ?? throw new MachineProviderException($"Template '{template.TemplateId}': image {image} has no root device name, so rootDeviceVolumeSize and volumeType cannot be applied.");
        return
        [
            new BlockDeviceMapping
            {
                DeviceName = device,
                Ebs = new EbsBlockDevice
                {
                    VolumeSize = template.RootDeviceVolumeSize,
                    VolumeType = template.VolumeType is null ? null : VolumeType.FindValue(template.VolumeType),
                    DeleteOnTermination = true,
                },
            },
        ];
    }

    private static string Specification(string? lifecycle, FleetLaunchTemplateOverrides? overrides) =>
        string.Join(' ', new[] { lifecycle ?? "on-demand", overrides?.InstanceType?.Value, overrides?.SubnetId is { } subnet ? $"in {subnet}" : null }.Where(static p => p is not null));

    /// <summary>A stable spread of requests over <paramref name="count"/> choices (the <see cref="StableHash"/> of the request id): the same in every process.</summary>
    private static int Spread(string requestId, int count) => (int)(StableHash.Of(requestId) % (uint)count);
}
