using HostFactory.Application.Common;
using HostFactory.Cqrs;
using HostFactory.Domain.Machines;

namespace HostFactory.Application.Machines;

/// <summary>One machine by our id (<c>m-…</c>); null when no machine has it.</summary>
/// <param name="MachineId">The machine id.</param>
public sealed record GetMachine(string MachineId) : IQuery<MachineSnapshot?>, IValidatable
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate() => InputRules.MachineId(nameof(MachineId), MachineId);
}

/// <summary>Answers <see cref="GetMachine"/> from the read side.</summary>
[QueryHandler]
internal sealed class GetMachineHandler(IMachineReader machines) : IQueryHandler<GetMachine, MachineSnapshot?>
{
    public async ValueTask<MachineSnapshot?> HandleAsync(GetMachine query, CancellationToken cancellationToken) =>
        await machines.GetAsync(Domain.Machines.MachineId.Parse(query.MachineId), cancellationToken);
}
