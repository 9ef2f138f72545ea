using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Providers;

/// <summary>What to make: <paramref name="Count"/> machines of <paramref name="Template"/> under <paramref name="Key"/>.</summary>
/// <param name="Key">
/// The call's idempotency key: asked again with the same key, a provider returns the machines it already made under
/// it and makes none (see <see cref="IMachineProvider.ProvisionAsync"/>).
/// </param>
/// <param name="Template">The template, including its provider settings.</param>
/// <param name="Count">How many machines.</param>
public sealed record ProvisionRequest(ProvisionKey Key, TemplateSnapshot Template, int Count)
{
    /// <summary>The acquire request the machines are for (providers tag machines with it).</summary>
    public RequestId RequestId => Key.RequestId;
}

/// <summary>What we tell the provider about a machine we hold.</summary>
/// <param name="MachineId">Our id of the machine.</param>
/// <param name="ProviderMachineId">The provider's own id.</param>
/// <param name="HostName">Its host name.</param>
/// <param name="ProviderData">The opaque data the provider gave us when it made the machine.</param>
public sealed record ProviderMachine(MachineId MachineId, string ProviderMachineId, string HostName, IReadOnlyDictionary<string, string> ProviderData);

/// <summary>A machine the provider made.</summary>
/// <param name="ProviderMachineId">The provider's own id; never empty.</param>
/// <param name="HostName">Its host name (may be empty while pending).</param>
/// <param name="PrivateIpAddress">Its private IP address (may be empty while pending).</param>
/// <param name="PublicIpAddress">Its public IP address, if any.</param>
/// <param name="LaunchTime">When it was launched.</param>
/// <param name="Status">Its status now.</param>
/// <param name="ProviderData">Opaque data the provider needs later (e.g. pid and start time).</param>
/// <param name="InstanceType">The instance type, if any.</param>
/// <param name="PriceType">The price type, if any.</param>
/// <param name="CloudHostId">The cloud's host id, if any.</param>
/// <param name="Tags">Tags put on the machine, if any.</param>
public sealed record ProvisionedMachine(
    string ProviderMachineId,
    string HostName,
    string PrivateIpAddress,
    string? PublicIpAddress,
    DateTimeOffset LaunchTime,
    MachineStatus Status,
    IReadOnlyDictionary<string, string> ProviderData,
    string? InstanceType = null,
    string? PriceType = null,
    string? CloudHostId = null,
    IReadOnlyDictionary<string, string>? Tags = null);

/// <summary>What the provider observed of one machine.</summary>
/// <param name="ProviderMachineId">The provider's own id.</param>
/// <param name="Status">Its status now (Terminated with a message when the provider no longer knows it).</param>
/// <param name="Message">What the provider said, if anything.</param>
/// <param name="HostName">Its host name, when newly known.</param>
/// <param name="PrivateIpAddress">Its private IP address, when newly known.</param>
/// <param name="PublicIpAddress">Its public IP address, when newly known.</param>
public sealed record MachineObservation(
    string ProviderMachineId,
    MachineStatus Status,
    string? Message,
    string? HostName = null,
    string? PrivateIpAddress = null,
    string? PublicIpAddress = null);

/// <summary>How releasing one machine went.</summary>
public enum ReleaseOutcome
{
    /// <summary>The machine is gone.</summary>
    Released,

    /// <summary>The release started; later observations will show Terminated.</summary>
    Releasing,

    /// <summary>The provider did not know the machine any more: nothing to release.</summary>
    AlreadyGone,

    /// <summary>The release could not be started; the message says why.</summary>
    Failed,
}

/// <summary>How releasing one machine went.</summary>
/// <param name="ProviderMachineId">The provider's own id.</param>
/// <param name="Outcome">The outcome.</param>
/// <param name="Message">Why, when it failed; else optional.</param>
public sealed record MachineReleaseOutcome(string ProviderMachineId, ReleaseOutcome Outcome, string? Message);

/// <summary>The outcome of a release, one entry per machine asked about.</summary>
/// <param name="Outcomes">One outcome per machine.</param>
public sealed record ReleaseResult(IReadOnlyList<MachineReleaseOutcome> Outcomes);

/// <summary>A machine the provider is taking back on its own.</summary>
/// <param name="ProviderMachineId">The provider's own id.</param>
/// <param name="HostName">Its host name, as Host Factory knows it.</param>
/// <param name="GracePeriodSeconds">Seconds left before it is taken (0 = already gone).</param>
public sealed record ReclaimedMachine(string ProviderMachineId, string HostName, int GracePeriodSeconds);
