using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Application.Diagnostics;

// The stores the handlers see: the host's, with every operation in a span (StoreSpans) while someone listens, and
// handed straight to the store otherwise. The span names follow one rule: the write side finds, saves, deletes and
// locks aggregates; the read side gets, lists and counts snapshots (docs/observability.md lists them all).

/// <summary><see cref="IRequestStore"/>, traced.</summary>
internal sealed class TracedRequestStore(IRequestStore inner) : IRequestStore
{
    public Task<Request?> FindAsync(RequestId id, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store find request", new(id.Value), inner.FindAsync, id, cancellationToken)
            : inner.FindAsync(id, cancellationToken);

    public Task SaveAsync(Request request, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store save request", new(request.Id.Value), inner.SaveAsync, request, cancellationToken)
            : inner.SaveAsync(request, cancellationToken);

    public Task<IReadOnlyList<RequestId>> ListUnfinishedAsync(CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store list unfinished requests", default, static (store, token) => store.ListUnfinishedAsync(token), inner, cancellationToken)
            : inner.ListUnfinishedAsync(cancellationToken);
}

/// <summary><see cref="IRequestReader"/>, traced.</summary>
internal sealed class TracedRequestReader(IRequestReader inner) : IRequestReader
{
    public Task<RequestSnapshot?> GetAsync(RequestId id, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store get request", new(id.Value), inner.GetAsync, id, cancellationToken)
            : inner.GetAsync(id, cancellationToken);

    public Task<Page<RequestSnapshot>> ListAsync(RequestFilter filter, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store list requests", new(TemplateId: filter.TemplateId?.Value), inner.ListAsync, filter, cancellationToken)
            : inner.ListAsync(filter, cancellationToken);
}

/// <summary><see cref="IMachineStore"/>, traced.</summary>
internal sealed class TracedMachineStore(IMachineStore inner) : IMachineStore
{
    public Task<Machine?> FindAsync(MachineId id, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store find machine", default, inner.FindAsync, id, cancellationToken, static machine => machine?.RequestId.Value)
            : inner.FindAsync(id, cancellationToken);

    public Task<IReadOnlyList<Machine>> FindByHostNameAsync(string hostName, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store find machines by host name", default, inner.FindByHostNameAsync, hostName, cancellationToken)
            : inner.FindByHostNameAsync(hostName, cancellationToken);

    public Task<IReadOnlyList<Machine>> ListByRequestAsync(RequestId id, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store find machines by request", new(id.Value), inner.ListByRequestAsync, id, cancellationToken)
            : inner.ListByRequestAsync(id, cancellationToken);

    public Task<int> CountActiveByTemplateAsync(TemplateId id, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store count active machines", new(TemplateId: id.Value), inner.CountActiveByTemplateAsync, id, cancellationToken)
            : inner.CountActiveByTemplateAsync(id, cancellationToken);

    public Task SaveAsync(Machine machine, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store save machine", new(machine.RequestId.Value), inner.SaveAsync, machine, cancellationToken)
            : inner.SaveAsync(machine, cancellationToken);

    public Task SaveManyAsync(IReadOnlyList<Machine> machines, CancellationToken cancellationToken) =>
        StoreSpans.Wanted && machines.Count > 0
            ? StoreSpans.TraceAsync("store save machines", new(machines[0].RequestId.Value, Machines: machines.Count), inner.SaveManyAsync, machines, cancellationToken)
            : inner.SaveManyAsync(machines, cancellationToken);
}

/// <summary><see cref="IMachineReader"/>, traced.</summary>
internal sealed class TracedMachineReader(IMachineReader inner) : IMachineReader
{
    public Task<MachineSnapshot?> GetAsync(MachineId id, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store get machine", default, inner.GetAsync, id, cancellationToken, static machine => machine?.RequestId.Value)
            : inner.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<MachineSnapshot>> ListByRequestAsync(RequestId id, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store get machines by request", new(id.Value), inner.ListByRequestAsync, id, cancellationToken)
            : inner.ListByRequestAsync(id, cancellationToken);

    public Task<IReadOnlyList<MachineSnapshot>> FindByHostNameAsync(string hostName, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store get machines by host name", default, inner.FindByHostNameAsync, hostName, cancellationToken)
            : inner.FindByHostNameAsync(hostName, cancellationToken);

    public Task<int> CountActiveByTemplateAsync(TemplateId id, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store count active machines", new(TemplateId: id.Value), inner.CountActiveByTemplateAsync, id, cancellationToken)
            : inner.CountActiveByTemplateAsync(id, cancellationToken);

    public Task<Page<MachineSnapshot>> ListAsync(MachineFilter filter, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store list machines", new(filter.RequestId?.Value, filter.TemplateId?.Value), inner.ListAsync, filter, cancellationToken)
            : inner.ListAsync(filter, cancellationToken);
}

/// <summary><see cref="ITemplateStore"/>, traced; the capacity lock's span lasts while it is awaited, not while it is held.</summary>
internal sealed class TracedTemplateStore(ITemplateStore inner) : ITemplateStore
{
    public Task<Template?> FindAsync(TemplateId id, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store find template", new(TemplateId: id.Value), inner.FindAsync, id, cancellationToken)
            : inner.FindAsync(id, cancellationToken);

    public Task SaveAsync(Template template, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store save template", new(TemplateId: template.Id.Value), inner.SaveAsync, template, cancellationToken)
            : inner.SaveAsync(template, cancellationToken);

    public Task<IDisposable> LockCapacityAsync(TemplateId id, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store lock template capacity", new(TemplateId: id.Value), inner.LockCapacityAsync, id, cancellationToken)
            : inner.LockCapacityAsync(id, cancellationToken);

    public Task DeleteAsync(Template template, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store delete template", new(TemplateId: template.Id.Value), inner.DeleteAsync, template, cancellationToken)
            : inner.DeleteAsync(template, cancellationToken);
}

/// <summary><see cref="ITemplateReader"/>, traced.</summary>
internal sealed class TracedTemplateReader(ITemplateReader inner) : ITemplateReader
{
    public Task<TemplateSnapshot?> GetAsync(TemplateId id, CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store get template", new(TemplateId: id.Value), inner.GetAsync, id, cancellationToken)
            : inner.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<TemplateSnapshot>> ListAsync(CancellationToken cancellationToken) =>
        StoreSpans.Wanted
            ? StoreSpans.TraceAsync("store list templates", default, static (reader, token) => reader.ListAsync(token), inner, cancellationToken)
            : inner.ListAsync(cancellationToken);
}
