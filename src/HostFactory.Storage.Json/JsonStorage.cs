using HostFactory.Domain.Common;
using HostFactory.Storage.Json.Documents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HostFactory.Storage.Json;

/// <summary>
/// The engine under the three stores, as one façade: every call checks its ids, initialises the store on first use,
/// and hands over to the part whose job it is (docs/storage.md, "Which file does what"): <see cref="StorageInitializer"/>,
/// <see cref="DocumentReader"/>, <see cref="SavePipeline"/>, <see cref="IndexEntries"/> and <see cref="JournalRecovery"/>.
/// </summary>
internal sealed class JsonStorage
{
    private readonly StorageInitializer _initializer;
    private readonly DocumentReader _reader;
    private readonly IndexEntries _entries;
    private readonly JournalRecovery _recovery;
    private readonly SavePipeline _saves;

    public JsonStorage(IOptions<JsonFileStorageOptions> options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        var time = timeProvider ?? TimeProvider.System;
        Layout = new StorageLayout(settings.ResolveDataDirectory());
        Locks = new StripeLocks(Layout.Full(StorageLayout.LocksDirectory), settings.LockTimeout);
        Logger = loggerFactory?.CreateLogger("HostFactory.Storage.Json") ?? NullLogger.Instance;
        _reader = new DocumentReader(Layout);
        _entries = new IndexEntries(Layout, _reader);
        _recovery = new JournalRecovery(Layout, Locks, _reader, _entries, Logger, time);
        _saves = new SavePipeline(Layout, Locks, _reader, _entries, _recovery, time);
        _initializer = new StorageInitializer(Layout, Locks, _recovery, Logger, time);
    }

    public StorageLayout Layout { get; }

    public StripeLocks Locks { get; }

    public ILogger Logger { get; }

    /// <inheritdoc cref="StorageInitializer.EnsureInitialized"/>
    public void EnsureInitialized() => _initializer.EnsureInitialized();

    /// <summary>Reads and checks one document; null when it does not exist.</summary>
    /// <exception cref="StorageCorruptException">The file is unreadable, not the document it should be, or refused by the domain.</exception>
    /// <exception cref="StorageSchemaVersionException">The file was written by a newer schema.</exception>
    public TDocument? Read<TDocument>(DocumentKind<TDocument> kind, string id)
        where TDocument : class, IStoredDocument
    {
        FileNames.CheckId(kind.IdKind, id);
        EnsureInitialized();
        return _reader.ReadChecked(kind, id);
    }

    /// <inheritdoc cref="DocumentReader.ListIds"/>
    public IReadOnlyList<string> ListIds<TDocument>(DocumentKind<TDocument> kind)
        where TDocument : class, IStoredDocument
    {
        EnsureInitialized();
        return _reader.ListIds(kind);
    }

    /// <inheritdoc cref="DocumentReader.ListIndex"/>
    public IReadOnlyList<string> ListIndex(string relativeDirectory)
    {
        EnsureInitialized();
        return _reader.ListIndex(relativeDirectory);
    }

    /// <summary>
    /// Saves one document under its lock with the port's version rule: insert when <paramref name="expectedVersion"/>
    /// is 0 (refused if the id exists), else update only if the stored version equals it.
    /// </summary>
    /// <param name="kind">The kind of document.</param>
    /// <param name="id">Its id (checked before it becomes a file name).</param>
    /// <param name="expectedVersion">The version the caller loaded; 0 to insert.</param>
    /// <param name="build">Makes the document to store, given the version it will be stored at.</param>
    /// <param name="cancellationToken">Cancels the wait for the lock; a write once started is finished.</param>
    /// <returns>The version written.</returns>
    /// <exception cref="ConcurrencyException">The version rule refused the save; nothing was written.</exception>
    public async Task<long> SaveAsync<TDocument>(
        DocumentKind<TDocument> kind, string id, long expectedVersion, Func<long, TDocument> build, CancellationToken cancellationToken)
        where TDocument : class, IStoredDocument
    {
        FileNames.CheckId(kind.IdKind, id);
        EnsureInitialized();
        return await _saves.SaveAsync(kind, id, expectedVersion, build, cancellationToken);
    }

    /// <inheritdoc cref="SavePipeline.SaveBatchAsync"/>
    public async Task<IReadOnlyList<long>> SaveBatchAsync(
        IReadOnlyList<(string Id, long ExpectedVersion, Func<long, MachineDocument> Build)> items, CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            FileNames.CheckId(MachineFiles.Instance.IdKind, item.Id);
        }

        EnsureInitialized();
        return await _saves.SaveBatchAsync(items, cancellationToken);
    }

    /// <inheritdoc cref="SavePipeline.DeleteTemplateAsync"/>
    public async Task DeleteTemplateAsync(string id, long expectedVersion, CancellationToken cancellationToken)
    {
        FileNames.CheckId(TemplateFiles.Instance.IdKind, id);
        EnsureInitialized();
        await _saves.DeleteTemplateAsync(id, expectedVersion, cancellationToken);
    }

    /// <summary>Reads and checks one document without the façade's checks: for callers that hold its lock.</summary>
    public TDocument? ReadChecked<TDocument>(DocumentKind<TDocument> kind, string id)
        where TDocument : class, IStoredDocument => _reader.ReadChecked(kind, id);

    /// <inheritdoc cref="JournalRecovery.RecoverIfPending"/>
    public void RecoverIfPending<TDocument>(DocumentKind<TDocument> kind, string id)
        where TDocument : class, IStoredDocument => _recovery.RecoverIfPending(kind, id);

    /// <inheritdoc cref="IndexEntries.Reconcile"/>
    public (int Removed, int Ensured) Reconcile<TDocument>(DocumentKind<TDocument> kind, string id, IEnumerable<string> candidates)
        where TDocument : class, IStoredDocument => _entries.Reconcile(kind, id, candidates);

    /// <inheritdoc cref="IndexEntries.Ensure"/>
    public void EnsureEntry(string relative) => _entries.Ensure(relative);
}
