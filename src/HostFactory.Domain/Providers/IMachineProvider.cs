using HostFactory.Domain.Requests;
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
    /// Which id Host Factory sees as the <c>machineId</c> of the machines this provider makes: our own id unless the
    /// provider says otherwise. It is recorded with each machine when it is made.
    /// </summary>
    ReportedMachineId ReportedMachineId => ReportedMachineId.OurId;

    /// <summary>
    /// Makes up to <see cref="ProvisionRequest.Count"/> machines. Machines made before a failure are
    /// returned in a <see cref="ProvisionResult.Partial"/> result, never dropped.
    /// </summary>
    /// <remarks>
    /// Idempotent by <see cref="ProvisionRequest.Key"/>: when machines were already made under the key (by a call
    /// that timed out, or whose caller died before it recorded them), the provider returns those, as many as there
    /// are, and makes no new ones. A provider records the key with a machine before the machine can outlive the call,
    /// and serialises calls with the same key, so a second call never races the first into making a second set.
    /// </remarks>
    Task<ProvisionResult> ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// The machines the provider holds that it made for <paramref name="requestId"/> (under any attempt's key), or
    /// every machine it holds when <paramref name="requestId"/> is null, each with the key it was made under.
    /// Released and vanished machines are not held. A provider that cannot tell answers
    /// <see cref="HeldMachines.NotSupported"/>, which is also what a provider that does not implement this answers.
    /// </summary>
    Task<HeldMachines> ListHeldAsync(RequestId? requestId, CancellationToken cancellationToken) =>
        Task.FromResult(HeldMachines.NotSupported("The provider does not list the machines it holds."));

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
