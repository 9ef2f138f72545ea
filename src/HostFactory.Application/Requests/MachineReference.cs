using HostFactory.Cqrs;

namespace HostFactory.Application.Requests;

/// <summary>
/// A machine as Host Factory names it in <c>requestReturnMachines</c> and <c>getReturnRequests</c>: by host name,
/// by id, or both. <see cref="MachineId"/> is normally our id (<c>m-…</c>, what <c>getRequestStatus</c> reports as
/// <c>machineId</c>); the provider's own id (e.g. an instance id) is accepted too. When both are given the id wins and
/// the name is the fallback.
/// </summary>
/// <param name="Name">The host name, if given.</param>
/// <param name="MachineId">Our machine id or the provider's, if given.</param>
public sealed record MachineReference(string? Name, string? MachineId = null)
{
    /// <summary>How the machine is named in messages: the name, the id, or both.</summary>
    public override string ToString() =>
        (string.IsNullOrEmpty(Name), string.IsNullOrEmpty(MachineId)) switch
        {
            (false, false) => $"{Name} ({MachineId})",
            (false, true) => Name!,
            (true, false) => MachineId!,
            _ => "(unnamed)",
        };

    /// <summary>The checks both messages that take references share: each names the machine somehow.</summary>
    internal static IEnumerable<ValidationError> Validate(string member, IReadOnlyList<MachineReference?> references)
    {
        for (var i = 0; i < references.Count; i++)
        {
            if (references[i] is not { } reference || (string.IsNullOrWhiteSpace(reference.Name) && string.IsNullOrWhiteSpace(reference.MachineId)))
            {
                yield return new ValidationError($"{member}[{i}]", "a machine needs a name or a machineId.");
            }
        }
    }
}
