using System.Globalization;
using System.Text.Json;
using HostFactory.Application.Requests;
using HostFactory.Cli.Infrastructure;
using HostFactory.Domain.Templates;

namespace HostFactory.Cli.Protocol;

/// <summary>
/// Reads the one JSON document Host Factory hands a verb (<c>-f FILE</c>, or stdin when the option is absent or
/// <c>-</c>) and checks its shape, naming the field at fault. Field names are case-sensitive; unknown fields are ignored.
/// Every problem is an <see cref="InputException"/>, raised before anything is loaded or changed.
/// </summary>
internal static class ProtocolInput
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    /// <summary>The input's bytes (at most <see cref="ProtocolVerbs.MaxInputBytes"/>), from <paramref name="file"/> or stdin.</summary>
    /// <remarks>Synchronous on purpose: the input is small, and an asynchronous read would start the thread pool for it.</remarks>
    /// <exception cref="InputException">The file does not exist or cannot be read, or the input is too large.</exception>
    public static byte[] ReadBytes(string? file, CliConsole console) =>
        file is null or "-" ? ReadStandardInput(console) : ReadFile(file);

    /// <summary>Parses input bytes read from <paramref name="source"/> (see <see cref="ProtocolVerbs.SourceOf"/>); empty input is an empty object when <paramref name="emptyIsEmptyObject"/>.</summary>
    /// <exception cref="InputException">The input is empty (unless allowed), not JSON, or not an object.</exception>
    public static JsonDocument Parse(byte[] bytes, string source, bool emptyIsEmptyObject)
    {
        if (bytes.Length > ProtocolVerbs.MaxInputBytes)
        {
            throw TooLarge(source);
        }

        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return emptyIsEmptyObject
                ? JsonDocument.Parse("{}")
                : throw new InputException($"The input ({source}) is empty; a JSON object is expected.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException exception)
        {
            throw new InputException($"The input ({source}) is not valid JSON: {exception.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = Describe(document.RootElement);
            document.Dispose();
            throw new InputException($"The input ({source}) must be a JSON object, was {kind}.");
        }

        return document;
    }

    /// <summary><c>{"template": {"templateId": "…", "machineCount": N}}</c>.</summary>
    public static (string TemplateId, int MachineCount) RequestMachines(JsonElement root)
    {
        var template = RequiredObject(root, "template", "template");
        var templateId = RequiredString(template, "templateId", "template.templateId");
        if (!template.TryGetProperty("machineCount", out var count) || count.ValueKind == JsonValueKind.Null)
        {
            throw new InputException("template.machineCount is required.");
        }

        if (count.ValueKind != JsonValueKind.Number || !count.TryGetInt64(out var number))
        {
            throw new InputException($"template.machineCount must be a whole number, was {Describe(count)}.");
        }

        // Both bounds here, in the input's own words: a count past int's range must be reported as it was sent.
        return number switch
        {
            < 1 => throw new InputException($"template.machineCount must be at least 1, was {number.ToString(CultureInfo.InvariantCulture)}."),
            > Template.MaxNumberLimit => throw new InputException(
                $"template.machineCount must be at most {Template.MaxNumberLimit} (the most one call can request), was {number.ToString(CultureInfo.InvariantCulture)}."),
            _ => (templateId, (int)number),
        };
    }

    /// <summary><c>{"machines": [{"name": "…", "machineId": "…"}, …]}</c>: <c>name</c> is mandatory, <c>machineId</c> optional.</summary>
    public static IReadOnlyList<MachineReference> Machines(JsonElement root, bool required)
    {
        if (!root.TryGetProperty("machines", out var machines) || machines.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new InputException("machines is required: a list of machines, each with a name.") : [];
        }

        var entries = Entries(machines, "machines");
        if (required && entries.Count == 0)
        {
            throw new InputException("machines is empty: name at least one machine to return.");
        }

        var references = new List<MachineReference>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var label = machines.ValueKind == JsonValueKind.Array ? $"machines[{i}]" : "machines";
            var name = RequiredString(entries[i], "name", $"{label}.name");
            var machineId = OptionalString(entries[i], "machineId", $"{label}.machineId");
            references.Add(new MachineReference(name, machineId));
        }

        return references;
    }

    /// <summary>
    /// <c>{"requests": [{"requestId": "…"}, …]}</c> or <c>{"requests": {"requestId": "…"}}</c>: both forms occur.
    /// A malformed or unknown id is not an input error; it gets an answer of its own.
    /// </summary>
    public static IReadOnlyList<string> RequestIds(JsonElement root)
    {
        if (!root.TryGetProperty("requests", out var requests) || requests.ValueKind == JsonValueKind.Null)
        {
            throw new InputException("requests is required: a list of {\"requestId\": \"…\"} objects, or one such object.");
        }

        var entries = Entries(requests, "requests");
        if (entries.Count == 0)
        {
            throw new InputException("requests is empty: name at least one request.");
        }

        var ids = new List<string>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var label = requests.ValueKind == JsonValueKind.Array ? $"requests[{i}]" : "requests";
            ids.Add(RequiredString(entries[i], "requestId", $"{label}.requestId"));
        }

        return ids;
    }

    private static List<JsonElement> Entries(JsonElement value, string label)
    {
        var entries = value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().ToList(),
            JsonValueKind.Object => [value],
            _ => throw new InputException($"{label} must be a list of objects (or one object), was {Describe(value)}."),
        };
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].ValueKind != JsonValueKind.Object)
            {
                throw new InputException($"{label}[{i}] must be an object, was {Describe(entries[i])}.");
            }
        }

        return entries;
    }

    private static JsonElement RequiredObject(JsonElement parent, string name, string label)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new InputException($"{label} is required.");
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw new InputException($"{label} must be an object, was {Describe(value)}.");
    }

    private static string RequiredString(JsonElement parent, string name, string label) =>
        OptionalString(parent, name, label) is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text)
            ? text
            : throw new InputException($"{label} is required: a non-empty string.");

    private static string? OptionalString(JsonElement parent, string name, string label)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new InputException($"{label} must be a string, was {Describe(value)}.");
    }

    private static string Describe(JsonElement value)
    {
        var text = value.GetRawText();
        var kind = value.ValueKind switch
        {
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        };
        return text.Length <= 40 ? $"{kind} ({text})" : kind;
    }

    private static byte[] ReadFile(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            return ReadLimited(stream, $"'{file}'");
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"The input file '{file}' does not exist.");
        }
        catch (UnauthorizedAccessException exception)
        {
            // Opening a directory fails the same way as a file without read permission; say which it was.
            throw new InputException(Directory.Exists(file)
                ? $"The input file '{file}' is a directory; name the JSON file inside it."
                : $"The input file '{file}' cannot be read: {exception.Message}");
        }
    }

    private static byte[] ReadStandardInput(CliConsole console)
    {
        using var stream = console.OpenInput();
        return ReadLimited(stream, "stdin");
    }

    private static InputException TooLarge(string source) =>
        new($"The input ({source}) is larger than the limit of {ProtocolVerbs.MaxInputBytes.ToString(CultureInfo.InvariantCulture)} bytes (1 MiB).");

    private static byte[] ReadLimited(Stream stream, string source)
    {
        // Reads at most one byte past the limit, so a huge or endless input is refused without being read whole.
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > ProtocolVerbs.MaxInputBytes)
            {
                throw TooLarge(source);
            }
        }

        return buffer.ToArray();
    }
}
