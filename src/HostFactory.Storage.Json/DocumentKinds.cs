using System.Text.Json.Serialization.Metadata;
using HostFactory.Domain.Machines;
using HostFactory.Domain.Requests;
using HostFactory.Domain.Templates;
using HostFactory.Storage.Json.Documents;

namespace HostFactory.Storage.Json;

/// <summary>
/// What the save pipeline needs to know about one kind of aggregate document: where it lives, how it is named in
/// errors and journal records, which index entries its state implies, and what the domain accepts.
/// </summary>
internal abstract class DocumentKind<TDocument>
    where TDocument : class, IStoredDocument
{
    /// <summary>Lower-case name used in journal file names and lock subjects: <c>template</c>, <c>request</c>, <c>machine</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The entity name the domain's <c>ConcurrencyException</c> carries.</summary>
    public abstract string Entity { get; }

    /// <summary>What an id of this kind is called in <c>InvalidIdentifierException</c>.</summary>
    public string IdKind => Name + " id";

    public abstract string Directory { get; }

    public abstract JsonTypeInfo<TDocument> TypeInfo { get; }

    /// <summary>The index entries (paths relative to the data directory) that must exist while the document is stored.</summary>
    public abstract IReadOnlyList<string> IndexEntries(TDocument document);

    /// <summary>
    /// Every entry an aggregate with this id and this stored state could ever own that recovery can name without a
    /// journal record: those keyed by the id or by fields that never change (a machine's request and template), in
    /// any status. Only entries outside this set must be written into a journal record (see
    /// <c>SavePipeline.WriteIntent</c>), which keeps most records empty.
    /// </summary>
    public abstract IReadOnlyList<string> RecoveryCandidates(string id, TDocument? document);

    /// <summary>Throws (a domain or <see cref="InvalidDocumentException"/>) unless the domain accepts the document.</summary>
    public abstract void Validate(TDocument document);
}

internal sealed class TemplateFiles : DocumentKind<TemplateDocument>
{
    public static readonly TemplateFiles Instance = new();

    public override string Name => "template";

    public override string Entity => "Template";

    public override string Directory => StorageLayout.TemplatesDirectory;

    public override JsonTypeInfo<TemplateDocument> TypeInfo => StorageJsonContext.Files.TemplateDocument;

    public override IReadOnlyList<string> IndexEntries(TemplateDocument document) => [];

    public override IReadOnlyList<string> RecoveryCandidates(string id, TemplateDocument? document) => [];

    public override void Validate(TemplateDocument document) => Template.FromSnapshot(DocumentMapper.ToSnapshot(document));
}

internal sealed class RequestFiles : DocumentKind<RequestDocument>
{
    public static readonly RequestFiles Instance = new();

    public override string Name => "request";

    public override string Entity => "Request";

    public override string Directory => StorageLayout.RequestsDirectory;

    public override JsonTypeInfo<RequestDocument> TypeInfo => StorageJsonContext.Files.RequestDocument;

    public override IReadOnlyList<string> IndexEntries(RequestDocument document) =>
        DocumentMapper.ParseRequestStatus(document.Status).IsFinished ? [] : [StorageLayout.UnfinishedRequestEntry(document.Id)];

    public override IReadOnlyList<string> RecoveryCandidates(string id, RequestDocument? document) => [StorageLayout.UnfinishedRequestEntry(id)];

    public override void Validate(RequestDocument document) => Request.FromSnapshot(DocumentMapper.ToSnapshot(document));
}

internal sealed class MachineFiles : DocumentKind<MachineDocument>
{
    public static readonly MachineFiles Instance = new();

    public override string Name => "machine";

    public override string Entity => "Machine";

    public override string Directory => StorageLayout.MachinesDirectory;

    public override JsonTypeInfo<MachineDocument> TypeInfo => StorageJsonContext.Files.MachineDocument;

    public override IReadOnlyList<string> IndexEntries(MachineDocument document)
    {
        var entries = new List<string>(4) { StorageLayout.RequestMachineEntry(document.RequestId, document.Id) };
        if (document.ReturnRequestId is { } returnRequestId)
        {
            entries.Add(StorageLayout.RequestMachineEntry(returnRequestId, document.Id));
        }

        // A machine without a host name yet (or a blank one) is not findable by host name; the entry appears when a name is saved.
        if (!HostNames.IsBlank(document.HostName))
        {
            entries.Add(StorageLayout.HostEntry(document.HostName, document.Id));
        }

        if (DocumentMapper.ParseMachineStatus(document.Status).IsActive)
        {
            entries.Add(StorageLayout.ActiveMachineEntry(document.TemplateId, document.Id));
        }

        return entries;
    }

    public override IReadOnlyList<string> RecoveryCandidates(string id, MachineDocument? document)
    {
        if (document is null)
        {
            return [];
        }

        var candidates = new List<string>(4)
        {
            StorageLayout.RequestMachineEntry(document.RequestId, id),
            StorageLayout.ActiveMachineEntry(document.TemplateId, id),
        };
        if (document.ReturnRequestId is { } returnRequestId)
        {
            candidates.Add(StorageLayout.RequestMachineEntry(returnRequestId, id));
        }

        if (!HostNames.IsBlank(document.HostName))
        {
            candidates.Add(StorageLayout.HostEntry(document.HostName, id));
        }

        return candidates;
    }

    public override void Validate(MachineDocument document) => Machine.FromSnapshot(DocumentMapper.ToSnapshot(document));
}
