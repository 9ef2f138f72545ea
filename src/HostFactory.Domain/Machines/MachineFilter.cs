using HostFactory.Domain.Common;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Domain.Machines;

/// <summary>Which machines <see cref="IMachineReader.ListAsync"/> returns; null criteria match everything.</summary>
/// <param name="RequestId">Only machines of this request (acquire or return).</param>
/// <param name="Status">Only machines in this status.</param>
/// <param name="TemplateId">Only machines of this template.</param>
/// <param name="Offset">How many matches to skip; 0 or more.</param>
/// <param name="Limit">The page size; 1 to 1000.</param>
/// <exception cref="DomainRuleViolationException">Offset or limit is out of range.</exception>
public sealed record MachineFilter(RequestId? RequestId, MachineStatus? Status, TemplateId? TemplateId, int Offset = 0, int Limit = 100)
{
    /// <summary>How many matches to skip; 0 or more.</summary>
    public int Offset { get; } = Paging.CheckOffset(Offset);

    /// <summary>The page size; 1 to 1000.</summary>
    public int Limit { get; } = Paging.CheckLimit(Limit);
}
