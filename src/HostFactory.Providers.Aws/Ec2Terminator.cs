using Amazon.EC2.Model;
using HostFactory.Domain.Providers;
using HostFactory.Providers.Abstractions;
using Microsoft.Extensions.Logging;

namespace HostFactory.Providers.Aws;

/// <summary>
/// Gives instances back with <c>TerminateInstances</c>, in batches. It first looks at them: an instance AWS no longer
/// knows, or already terminated, counts as released; one already shutting down is being released; one without this
/// installation's cluster tag is refused (HostFactory terminates only what it made). Should an instance vanish between
/// the look and the call, the batch is terminated one instance at a time so the others are not held up.
/// </summary>
internal sealed class Ec2Terminator(Ec2Clients clients, ProviderContext context, string cluster, ILogger logger)
{
    /// <summary>How many instances one <c>TerminateInstances</c> call takes.</summary>
    public const int BatchSize = 1000;

    private const string NotFound = "InvalidInstanceID.NotFound";

    /// <summary>Terminates <paramref name="machines"/>; one outcome per distinct instance.</summary>
    /// <exception cref="TransientProviderException">Throttled or unreachable; a retry finds what was done already.</exception>
    /// <exception cref="MachineProviderException">The instances could not even be looked at (no credentials, refused).</exception>
    public async Task<ReleaseResult> ReleaseAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken)
    {
        var outcomes = new Dictionary<string, MachineReleaseOutcome>(StringComparer.Ordinal);
        var ids = machines.Select(static m => m.ProviderMachineId).Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in ids.Where(id => !Ec2Instances.IsInstanceId(id)))
        {
            outcomes[id] = new(id, ReleaseOutcome.AlreadyGone, $"'{id}' is not an EC2 instance id; there is nothing to terminate.");
        }

        var valid = ids.Where(Ec2Instances.IsInstanceId).ToList();
        var known = valid.Count == 0 ? [] : (await Ec2Instances.DescribeByIdsAsync(clients.Ec2, valid, cancellationToken)).ToDictionary(static i => i.InstanceId, StringComparer.Ordinal);
        var terminate = new List<string>();
        foreach (var id in valid)
        {
            if (!known.TryGetValue(id, out var instance))
            {
                outcomes[id] = new(id, ReleaseOutcome.AlreadyGone, $"Instance {id} is unknown to AWS: it is already gone.");
            }
            else if (instance.State?.Name?.Value is "terminated")
            {
                outcomes[id] = new(id, ReleaseOutcome.AlreadyGone, $"Instance {id} is already terminated.");
            }
            else if (instance.State?.Name?.Value is "shutting-down")
            {
                outcomes[id] = new(id, ReleaseOutcome.Releasing, $"Instance {id} is already shutting down.");
            }
            else if (OwnershipTags.ValueOf(instance, OwnershipTags.Cluster) != cluster)
            {
                outcomes[id] = new(id, ReleaseOutcome.Failed,
                    $"Instance {id} does not carry the tag {OwnershipTags.Cluster}={cluster}; HostFactory terminates only the instances it made.");
            }
            else
            {
                terminate.Add(id);
            }
        }

        foreach (var batch in terminate.Chunk(BatchSize))
        {
            AwsLog.Terminating(logger, context.InstanceName, batch.Length, string.Join(' ', batch));
            foreach (var outcome in await TerminateAsync(batch, cancellationToken))
            {
                outcomes[outcome.ProviderMachineId] = outcome;
            }
        }

        return new ReleaseResult([.. ids.Select(id => outcomes[id])]);
    }

    private async Task<IReadOnlyList<MachineReleaseOutcome>> TerminateAsync(string[] batch, CancellationToken cancellationToken)
    {
        TerminateInstancesResponse response;
        try
        {
            response = await Ec2Errors.CallAsync(
                "ec2:TerminateInstances",
                () => clients.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [.. batch] }, cancellationToken),
                cancellationToken,
                NotFound);
        }
        catch (Exception exception) when (Ec2Errors.CodeOf(exception) == NotFound)
        {
            if (batch.Length == 1)
            {
                return [new(batch[0], ReleaseOutcome.AlreadyGone, $"Instance {batch[0]} is unknown to AWS: it is already gone.")];
            }

            // One of them vanished since we looked; AWS refuses the whole batch for it, so each goes on its own.
            var outcomes = new List<MachineReleaseOutcome>(batch.Length);
            foreach (var id in batch)
            {
                outcomes.AddRange(await TerminateAsync([id], cancellationToken));
            }

            return outcomes;
        }
        catch (MachineProviderException exception) when (exception is not TransientProviderException)
        {
            AwsLog.CallFailed(logger, context.InstanceName, "ec2:TerminateInstances", exception.Message);
            return [.. batch.Select(id => new MachineReleaseOutcome(id, ReleaseOutcome.Failed, exception.Message))];
        }

        var changes = (response.TerminatingInstances ?? []).ToDictionary(static c => c.InstanceId, StringComparer.Ordinal);
        return [.. batch.Select(id => !changes.TryGetValue(id, out var change)
            ? new MachineReleaseOutcome(id, ReleaseOutcome.Failed, $"ec2:TerminateInstances did not answer for instance {id}.")
            : change.CurrentState?.Name?.Value == "terminated"
                ? new MachineReleaseOutcome(id, ReleaseOutcome.Released, $"Instance {id} is terminated.")
                : new MachineReleaseOutcome(id, ReleaseOutcome.Releasing, $"Instance {id} is {change.CurrentState?.Name?.Value ?? "shutting-down"}."))];
    }
}
