namespace HostFactory.Domain.Providers;

/// <summary>
/// Which id Host Factory is told as a machine's <c>machineId</c>: a property of the provider that made the machine
/// (<see cref="IMachineProvider.ReportedMachineId"/>), recorded with the machine when it is made. Whichever is
/// reported, Host Factory may name the machine later by our id, the provider's id or the host name.
/// </summary>
public enum ReportedMachineId
{
    /// <summary>Our own id, <c>m-&lt;uuid&gt;</c>: the default.</summary>
    OurId,

    /// <summary>
    /// The provider's own id (an EC2 instance id, say), as a cloud's own Host Factory plugin would report it, so an
    /// administrator finds the host in the cloud's console by what Host Factory shows.
    /// </summary>
    ProviderId,
}
