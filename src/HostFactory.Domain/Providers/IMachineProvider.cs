using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Providers;

/// <summary>
/// The port to whatever makes machines (a cloud, a hypervisor, local processes). Implementations
/// report failures in their results rather than throwing where they can, so machines made before
/// a failure are never leaked; they throw only for cancellation or when nothing could be done.
/// </summary>
public interface IMachineProvider
{
    /// <summary>
    /// Makes up to <see cref="ProvisionRequest.Count"/> machines. Machines made before a failure are
    /// returned in a <see cref="ProvisionResult.Partial"/> result, never dropped.
    /// </summary>
    Task<ProvisionResult> ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// What the provider sees of each machine, one observation per machine it was asked about.
    /// A machine the provider no longer knows is reported as Terminated with a message.
    /// </summary>
    Task<IReadOnlyList<MachineObservation>> DescribeAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken);

    /// <summary>Starts giving the machines back; one outcome per machine.</summary>
    Task<ReleaseResult> ReleaseAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken);

    /// <summary>Which of these machines the provider is taking back on its own (spot reclaim, outside termination, loss).</summary>
    Task<IReadOnlyList<ReclaimedMachine>> ListReclaimedAsync(IReadOnlyList<ProviderMachine> machines, CancellationToken cancellationToken);

    /// <summary>Problems with the template's provider settings, one sentence each; empty when valid.</summary>
    Task<IReadOnlyList<string>> ValidateTemplateAsync(TemplateSnapshot template, CancellationToken cancellationToken);
}
