using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Machines;

/// <summary>
/// Every field of a <see cref="Machine"/> as plain values: what stores persist and what
/// <see cref="IMachineReader"/> returns. <see cref="Machine.FromSnapshot"/> validates it.
/// </summary>
/// <param name="Id">Our machine id.</param>
/// <param name="ProviderName">The provider instance that made it.</param>
/// <param name="ProviderMachineId">The provider's own id.</param>
/// <param name="HostName">Its host name (may be empty).</param>
/// <param name="PrivateIpAddress">Its private IP address (may be empty).</param>
/// <param name="PublicIpAddress">Its public IP address, if any.</param>
/// <param name="LaunchTime">When the provider launched it.</param>
/// <param name="TemplateId">The template it was made from.</param>
/// <param name="RequestId">The acquire request it was made for.</param>
/// <param name="ReturnRequestId">The return request giving it back, if any.</param>
/// <param name="Status">What the provider last reported.</param>
/// <param name="Message">What went wrong, or empty.</param>
/// <param name="ProviderData">Opaque provider data.</param>
/// <param name="InstanceType">The instance type, if any.</param>
/// <param name="PriceType">The price type, if any.</param>
/// <param name="CloudHostId">The cloud's host id, if any.</param>
/// <param name="Tags">The provider's tags.</param>
/// <param name="CreatedAt">When we recorded it.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Version">The stored version (0 = never saved).</param>
/// <param name="ReportedMachineId">Which id Host Factory is told as its <c>machineId</c> (see <see cref="ProtocolMachineId"/>).</param>
public sealed record MachineSnapshot(
    MachineId Id,
    string ProviderName,
    string ProviderMachineId,
    string HostName,
    string PrivateIpAddress,
    string? PublicIpAddress,
    DateTimeOffset LaunchTime,
    TemplateId TemplateId,
    RequestId RequestId,
    RequestId? ReturnRequestId,
    MachineStatus Status,
    string Message,
    IReadOnlyDictionary<string, string> ProviderData,
    string? InstanceType,
    string? PriceType,
    string? CloudHostId,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    ReportedMachineId ReportedMachineId = ReportedMachineId.OurId)
{
    /// <summary>The <c>machineId</c> Host Factory sees: our id, or the provider's when its provider reports that.</summary>
    public string ProtocolMachineId => ReportedMachineId == ReportedMachineId.ProviderId ? ProviderMachineId : Id.ToString();
}
