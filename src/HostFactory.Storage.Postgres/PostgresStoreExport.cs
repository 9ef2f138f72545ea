using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;

namespace HostFactory.Storage.Postgres;

/// <summary>Every row of the three tables, read in pages by id.</summary>
internal sealed class PostgresStoreExport(PostgresTemplateStore templates, PostgresRequestStore requests, PostgresMachineStore machines) : IStoreExport
{
    public IAsyncEnumerable<TemplateSnapshot> ReadTemplatesAsync(CancellationToken cancellationToken) => templates.ScanAsync(cancellationToken);

    public IAsyncEnumerable<RequestSnapshot> ReadRequestsAsync(CancellationToken cancellationToken) => requests.ScanAsync(cancellationToken);

    public IAsyncEnumerable<MachineSnapshot> ReadMachinesAsync(CancellationToken cancellationToken) => machines.ScanAsync(cancellationToken);
}
