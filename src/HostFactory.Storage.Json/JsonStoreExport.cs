using System.Runtime.CompilerServices;
using HostFactory.Domain.Common;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Storage.Json.Documents;

namespace HostFactory.Storage.Json;

/// <summary>Every document of the data directory, one file read at a time (for <c>hostfactory storage copy</c>).</summary>
internal sealed class JsonStoreExport(JsonStorage storage) : IStoreExport
{
    public IAsyncEnumerable<TemplateSnapshot> ReadTemplatesAsync(CancellationToken cancellationToken) =>
        ReadAllAsync(TemplateFiles.Instance, DocumentMapper.ToSnapshot, cancellationToken);

    public IAsyncEnumerable<RequestSnapshot> ReadRequestsAsync(CancellationToken cancellationToken) =>
        ReadAllAsync(RequestFiles.Instance, DocumentMapper.ToSnapshot, cancellationToken);

    public IAsyncEnumerable<MachineSnapshot> ReadMachinesAsync(CancellationToken cancellationToken) =>
        ReadAllAsync(MachineFiles.Instance, DocumentMapper.ToSnapshot, cancellationToken);

    private async IAsyncEnumerable<TSnapshot> ReadAllAsync<TDocument, TSnapshot>(
        DocumentKind<TDocument> kind, Func<TDocument, TSnapshot> map, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TDocument : class, IStoredDocument
    {
        await Task.Yield();
        foreach (var id in storage.ListIds(kind))
        {
            cancellationToken.ThrowIfCancellationRequested();

            // A document deleted since the listing (a template) is simply no longer there.
            if (storage.Read(kind, id) is { } document)
            {
                yield return map(document);
            }
        }
    }
}
