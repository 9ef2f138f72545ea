using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HostFactory.Domain.Common;
using HostFactory.Storage.Json.Documents;

namespace HostFactory.Storage.Json;

/// <summary>
/// Reading and parsing: a document's bytes, its JSON checked against the schema version this build knows, its id
/// against its file name and its content against the domain's rules; the listings of a document directory and an
/// index directory.
/// </summary>
internal sealed class DocumentReader(StorageLayout layout)
{
    /// <summary>Reads and checks one document; null when it does not exist.</summary>
    /// <exception cref="StorageCorruptException">The file is unreadable, not the document it should be, or refused by the domain.</exception>
    /// <exception cref="StorageSchemaVersionException">The file was written by a newer schema.</exception>
    public TDocument? ReadChecked<TDocument>(DocumentKind<TDocument> kind, string id)
        where TDocument : class, IStoredDocument
    {
        var path = layout.DocumentPath(kind.Directory, id);
        if (ReadBytes(path) is not { } bytes)
        {
            return null;
        }

        var document = ParseFile(path, bytes, kind.TypeInfo, d => d.SchemaVersion);
        if (!string.Equals(document.Id, id, StringComparison.Ordinal))
        {
            throw new StorageCorruptException(path, $"it holds id '{document.Id}' but its file name says '{id}'.");
        }

        try
        {
            kind.Validate(document);
        }
        catch (Exception exception) when (exception is DomainException or InvalidDocumentException or ArgumentException)
        {
            throw new StorageCorruptException(path, exception.Message, exception);
        }

        return document;
    }

    /// <summary>The ids of every document of <paramref name="kind"/>; reads the directory, not the files.</summary>
    public IReadOnlyList<string> ListIds<TDocument>(DocumentKind<TDocument> kind)
        where TDocument : class, IStoredDocument
    {
        var ids = new List<string>();
        foreach (var path in Directory.EnumerateFiles(layout.Full(kind.Directory), "*" + StorageLayout.DocumentExtension))
        {
            var name = Path.GetFileName(path.AsSpan());
            if (name.EndsWith(StorageLayout.DocumentExtension, StringComparison.Ordinal))
            {
                var id = name[..^StorageLayout.DocumentExtension.Length].ToString();
                if (FileNames.IsSafeId(id))
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }

    /// <summary>The names in an index directory that are valid ids (anything else, e.g. an editor's backup, is ignored).</summary>
    public IReadOnlyList<string> ListIndex(string relativeDirectory)
    {
        try
        {
            return [.. Directory.EnumerateFiles(layout.Full(relativeDirectory)).Select(path => Path.GetFileName(path)).Where(FileNames.IsSafeId)];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <summary>The version a deleted template had (its tombstone's), or 0 when none was deleted under that id.</summary>
    public long ReadTombstoneVersion(string id)
    {
        var path = TombstonePath(id);
        return ReadBytes(path) is { } bytes
            ? ParseFile(path, bytes, StorageJsonContext.Files.TemplateTombstoneDocument, t => t.SchemaVersion).Version
            : 0;
    }

    public string TombstonePath(string id) => Path.Join(layout.Root, StorageLayout.TemplatesDirectory, id + StorageLayout.TombstoneExtension);

    /// <summary>Parses <paramref name="bytes"/> read from <paramref name="path"/>, refusing newer schemas and naming the file on any error.</summary>
    public static T ParseFile<T>(string path, byte[] bytes, JsonTypeInfo<T> typeInfo, Func<T, int> schemaVersion)
        where T : class
    {
        T? document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, typeInfo);
        }
        catch (JsonException exception)
        {
            // A newer schema may have renamed or added required fields: say "newer", not "corrupt".
            var found = ProbeSchemaVersion(bytes);
            if (found > StorageSchema.Current)
            {
                throw new StorageSchemaVersionException(path, found, StorageSchema.Current);
            }

            throw new StorageCorruptException(path, bytes.Length == 0 ? "the file is empty." : $"it is not valid JSON for this file: {exception.Message}", exception);
        }

        if (document is null)
        {
            throw new StorageCorruptException(path, "the file holds JSON null instead of a document.");
        }

        var version = schemaVersion(document);
        return version switch
        {
            > StorageSchema.Current => throw new StorageSchemaVersionException(path, version, StorageSchema.Current),
            < 1 => throw new StorageCorruptException(path, $"schemaVersion is {version}; it must be 1 or more."),
            _ => document,
        };
    }

    /// <summary>Reads a file's bytes; null when it does not exist.</summary>
    /// <exception cref="StorageCorruptException">The file exists but cannot be read.</exception>
    public static byte[]? ReadBytes(string path)
    {
        // Checked first because a save usually inserts: a thrown FileNotFoundException would cost more than the
        // rest of the read. A file deleted between the check and the read is still caught below.
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new StorageCorruptException(path, $"it cannot be read: {exception.Message}", exception);
        }
    }

    /// <summary>The top-level <c>schemaVersion</c> of a document that did not parse, or 0 when there is none to find.</summary>
    private static int ProbeSchemaVersion(byte[] bytes)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isVersion = reader.ValueTextEquals("schemaVersion"u8);
                reader.Read();
                if (isVersion)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var version) ? version : 0;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Broken before the field was found: not a newer schema we can recognise.
        }

        return 0;
    }
}
