using HostFactory.Domain.Machines;
using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Providers.Abstractions;
using Microsoft.Extensions.Logging;

namespace HostFactory.Providers.Aws;

/// <summary>
/// Machines are EC2 instances, made with <c>RunInstances</c> or an instant EC2 Fleet through the AWS SDK for .NET and
/// tagged at launch as this installation's (<see cref="OwnershipTags"/>). Host Factory sees each instance's id as its
/// <c>machineId</c> and its private DNS name as its <c>name</c>. Provisioning is idempotent by key through the EC2
/// <c>ClientToken</c>; what the provider holds is found by its tags. Every AWS failure is reported naming the action
/// and AWS's error code (docs/providers.md says what HostFactory does on each).
/// </summary>
[MachineProvider(TypeName, OptionsType = typeof(AwsProviderOptions))]
public sealed class AwsMachineProvider : IMachineProvider, IDisposable
{
    /// <summary>The provider type name.</summary>
    public const string TypeName = "aws-ec2";

    /// <summary>
    /// How long after its launch an instance that <c>DescribeInstances</c> does not show is taken as not visible yet
    /// (EC2 is eventually consistent) rather than gone.
    /// </summary>
    public static readonly TimeSpan VisibilityGrace = TimeSpan.FromMinutes(5);

    private readonly ProviderContext _context;
    private readonly AwsProviderOptions _options;
    private readonly ILogger _logger;
    private readonly string _cluster;
    private readonly Ec2Clients _clients;
    private readonly Ec2Launcher _launcher;
    private readonly Ec2Terminator _terminator;

    /// <summary>Creates the provider for one configured instance; nothing is asked of AWS until the first call.</summary>
    public AwsMachineProvider(ProviderContext context, AwsProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        _context = context;
        _options = options;
        _logger = context.LoggerFactory.CreateLogger<AwsMachineProvider>();
        _cluster = options.ClusterTag ?? context.InstanceName;
        _clients = new Ec2Clients(options, context, _logger);
        _launcher = new Ec2Launcher(_clients, context, options, _cluster, _logger);
        _terminator = new Ec2Terminator(_clients, context, _cluster, _logger);
    }

    /// <summary>Host Factory sees the EC2 instance id, as IBM's own AWS plugin reports it.</summary>
    public ReportedMachineId ReportedMachineId => ReportedMachineId.ProviderId;

    /// <inheritdoc/>
    public async Task<ProvisionResult> ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (AwsTemplateReader.Read(request.Template, _context, out var problems) is not { } template)
        {
            return ProvisionResult.Failure(string.Join(" ", problems));
        }

        try
        {
            return await _launcher.LaunchAsync(request, template, cancellationToken);
        }
        catch (MachineProviderException exception) when (exception is not TransientProviderException)
        {
            AwsLog.CallFailed(_logger, _context.InstanceName, "provision", exception.Message);
            return ProvisionResult.Failure(exception.Message);
        }
    }

    /// <inheritdoc/>
    public async Task<HeldMachines> ListHeldAsync(RequestId? requestId, CancellationToken cancellationToken)
    {
        var instances = await Ec2Instances.DescribeAsync(_clients.Ec2, Ec2Instances.OwnedBy(_cluster, requestId?.Value), cancellationToken);
        var now = _context.TimeProvider.GetUtcNow();
        var held = new List<HeldMachine>(instances.Count);
        foreach (var instance in instances)
        {
            if (OwnershipTags.TryReadKey(instance, out var key))
            {
                held.Add(new HeldMachine(key, Ec2Instances.ToMachine(instance, _options.Region, now)));
            }
            else
            {
                AwsLog.UnkeyedInstance(_logger, _context.InstanceName, instance.InstanceId, _cluster);
            }
        }

        return HeldMachines.Found(held);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<MachineObservation>> DescribeAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        var found = await FindAsync(machines, cancellationToken);
        return [.. machines.DistinctBy(static m => m.ProviderMachineId).Select(machine =>
        {
            var id = machine.ProviderMachineId;
            if (found.TryGetValue(id, out var instance))
            {
                var status = Ec2Instances.StatusOf(instance.State);
                return new MachineObservation(id, status, status is MachineStatus.Pending or MachineStatus.Running ? null : Ec2Instances.ReasonOf(instance),
                    NullIfEmpty(instance.PrivateDnsName), NullIfEmpty(instance.PrivateIpAddress), NullIfEmpty(instance.PublicIpAddress));
            }

            return !Ec2Instances.IsInstanceId(id)
                ? new MachineObservation(id, MachineStatus.Terminated, $"'{id}' is not an EC2 instance id.")
                : IsJustLaunched(machine)
                    ? new MachineObservation(id, MachineStatus.Pending, $"Instance {id} is not visible in DescribeInstances yet.")
                    : new MachineObservation(id, MachineStatus.Terminated, $"Instance {id} is unknown to AWS (InvalidInstanceID.NotFound): it vanished.");
        })];
    }

    /// <inheritdoc/>
    public Task<ReleaseResult> ReleaseAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        return _terminator.ReleaseAsync(machines, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReclaimedMachine>> ListReclaimedAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(machines);
        var found = await FindAsync(machines, cancellationToken);
        var reclaimed = new List<ReclaimedMachine>();
        foreach (var machine in machines.DistinctBy(static m => m.ProviderMachineId))
        {
            // Spot interruptions, instances stopped or terminated outside HostFactory, and instances that vanished are all
            // taken already: EC2 has no notice ahead of them in DescribeInstances, so the grace period is 0.
            var taken = found.TryGetValue(machine.ProviderMachineId, out var instance)
                ? Ec2Instances.StatusOf(instance.State) is MachineStatus.Stopping or MachineStatus.Stopped or MachineStatus.ShuttingDown or MachineStatus.Terminated
                : Ec2Instances.IsInstanceId(machine.ProviderMachineId) && !IsJustLaunched(machine);
            if (taken)
            {
                reclaimed.Add(new ReclaimedMachine(machine.ProviderMachineId, machine.HostName.Length > 0 ? machine.HostName : instance?.PrivateDnsName ?? string.Empty, 0));
            }
        }

        return reclaimed;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ValidateTemplateAsync(TemplateSnapshot template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        return AwsTemplateReader.Read(template, _context, out var problems) is { } read
            ? await Ec2TemplateChecks.CheckAsync(read, _clients, _options.Region, cancellationToken)
            : problems;
    }

    /// <inheritdoc/>
    public void Dispose() => _clients.Dispose();

    private async Task<Dictionary<string, Amazon.EC2.Model.Instance>> FindAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        var ids = machines.Select(static m => m.ProviderMachineId).Where(Ec2Instances.IsInstanceId).ToList();
        return ids.Count == 0 ? [] : (await Ec2Instances.DescribeByIdsAsync(_clients.Ec2, ids, cancellationToken))
            .GroupBy(static i => i.InstanceId, StringComparer.Ordinal)
            .ToDictionary(static g => g.Key, static g => g.First(), StringComparer.Ordinal);
    }

    private bool IsJustLaunched(ProviderMachine machine) =>
        Ec2Instances.LaunchedAt(machine) is { } launched && _context.TimeProvider.GetUtcNow() - launched < VisibilityGrace;

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
