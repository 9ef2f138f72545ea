using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HostFactory.Domain.Common;
using HostFactory.Domain.Templates;

namespace HostFactory.Configuration;

/// <summary>
/// Reads <c>templates.json</c>, Host Factory's camelCase template list, into domain <see cref="Template"/>s:
/// <code>
/// { "templates": [ { "templateId": "local-small", "maxNumber": 10, "providerName": "local",
///     "attributes": { "type": ["String", "X86_64"], "ncpus": ["Numeric", "1"], "nram": ["Numeric", "1024"] },
///     "enabled": true, "requestTimeoutSeconds": 1800,
///     "command": ["/bin/sh", "-c", "while :; do sleep 5; done"] } ] }
/// </code>
/// <c>templateId</c>, <c>maxNumber</c>, <c>providerName</c> and <c>attributes</c> (with <c>type</c>, <c>ncpus</c>,
/// <c>nram</c>) are required. The fields Host Factory only prints (<c>availableNumber</c>, <c>requestedMachines</c>)
/// are ignored. Every other field is provider-specific and kept, as raw JSON, in the template's
/// <see cref="ProviderSettings"/>. Comments and trailing commas are allowed, the file being edited by hand.
/// </summary>
public static class TemplateFile
{
    private static readonly string[] IgnoredFields = ["availableNumber", "requestedMachines"];
    private static readonly string[] IntegerAttributes = ["ncpus", "ncores", "nram", "rank"];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Reads and checks the templates file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="clock">The creation time of the templates.</param>
    /// <param name="knownProviders">The configured provider instance names; when given, a template naming another is refused.</param>
    /// <returns>The templates, in file order.</returns>
    /// <exception cref="TemplateFileException">The file is missing, not JSON, or breaks a rule; every problem is listed with the file, template and field.</exception>
    public static IReadOnlyList<Template> Load(string path, TimeProvider clock, IReadOnlyCollection<string>? knownProviders = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new TemplateFileException(path, [$"cannot be read: {exception.Message}"], exception);
        }

        return Parse(json, path, clock, knownProviders);
    }

    /// <summary>Checks and converts the text of a templates file.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="fileName">The file name used in messages.</param>
    /// <param name="clock">The creation time of the templates.</param>
    /// <param name="knownProviders">The configured provider instance names; when given, a template naming another is refused.</param>
    /// <returns>The templates, in file order.</returns>
    /// <exception cref="TemplateFileException">The text is not JSON or breaks a rule.</exception>
    public static IReadOnlyList<Template> Parse(string json, string fileName, TimeProvider clock, IReadOnlyCollection<string>? knownProviders = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(clock);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException exception)
        {
            throw new TemplateFileException(fileName, [$"is not valid JSON: {exception.Message}"], exception);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("templates", out var list)
                || list.ValueKind != JsonValueKind.Array)
            {
                throw new TemplateFileException(fileName, ["must be an object with a 'templates' array"]);
            }

            var problems = new List<string>();
            var templates = new List<Template>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var element in list.EnumerateArray())
            {
                var reader = new TemplateReader(element, index++, problems, knownProviders);
                if (reader.Read(clock) is { } template)
                {
                    if (seen.Add(template.Id.Value))
                    {
                        templates.Add(template);
                    }
                    else
                    {
                        problems.Add($"{reader.Label}: templateId '{template.Id}' is used by an earlier template; ids must be unique.");
                    }
                }
            }

            return problems.Count == 0 ? templates : throw new TemplateFileException(fileName, problems);
        }
    }

    private sealed class TemplateReader(JsonElement element, int index, List<string> problems, IReadOnlyCollection<string>? knownProviders)
    {
        private static readonly string[] KnownFields = ["templateId", "maxNumber", "providerName", "attributes", "enabled", "requestTimeoutSeconds"];

        public string Label { get; private set; } = $"templates[{index}]";

        public Template? Read(TimeProvider clock)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{Label}: must be a JSON object.");
                return null;
            }

            var count = problems.Count;
            var id = ReadId();
            var maxNumber = ReadInt("maxNumber", required: true);
            var providerName = ReadString("providerName", required: true);
            if (providerName is not null && knownProviders is not null && !knownProviders.Contains(providerName, StringComparer.Ordinal))
            {
                Problem("providerName", $"names '{providerName}', which is not a configured provider instance (configured: {(knownProviders.Count == 0 ? "none" : string.Join(", ", knownProviders))})");
            }

            var enabled = ReadBool("enabled");
            var timeoutSeconds = ReadInt("requestTimeoutSeconds", required: false);
            var attributes = ReadAttributes();
            var settings = ReadSettings();
            if (problems.Count > count)
            {
                return null;
            }

            try
            {
                var template = Template.Create(
                    id!.Value, providerName!, maxNumber!.Value, attributes!, settings,
                    timeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null, clock);
                if (enabled == false)
                {
                    template.Disable(clock);
                }

                return template;
            }
            catch (DomainException exception)
            {
                problems.Add($"{Label}: {exception.Message}");
                return null;
            }
        }

        private TemplateId? ReadId()
        {
            var text = ReadString("templateId", required: true);
            if (text is null)
            {
                return null;
            }

            if (!TemplateId.TryCreate(text, out var id, out var error))
            {
                Problem("templateId", error.TrimEnd('.'));
                return null;
            }

            Label = $"template '{text}' ({Label})";
            return id;
        }

        private string? ReadString(string field, bool required)
        {
            if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    Problem(field, "is required");
                }

                return null;
            }

            if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            {
                Problem(field, $"must be a non-empty string, was {value.GetRawText()}");
                return null;
            }

            return value.GetString();
        }

        private int? ReadInt(string field, bool required)
        {
            if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    Problem(field, "is required");
                }

                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
            {
                Problem(field, $"must be a whole number, was {value.GetRawText()}");
                return null;
            }

            return number;
        }

        private bool? ReadBool(string field)
        {
            if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Problem(field, $"must be true or false, was {value.GetRawText()}");
                return null;
            }

            return value.GetBoolean();
        }

        private TemplateAttributes? ReadAttributes()
        {
            if (!element.TryGetProperty("attributes", out var value) || value.ValueKind != JsonValueKind.Object)
            {
                Problem("attributes", "is required and must be an object of [\"String\"|\"Numeric\", \"value\"] pairs");
                return null;
            }

            var pairs = new Dictionary<string, (AttributeKind Kind, string Value)>(StringComparer.Ordinal);
            var ok = true;
            foreach (var property in value.EnumerateObject())
            {
                var pair = property.Value;
                if (pair.ValueKind != JsonValueKind.Array
                    || pair.GetArrayLength() != 2
                    || pair[0].ValueKind != JsonValueKind.String
                    || pair[1].ValueKind != JsonValueKind.String
                    || !AttributeKindWords.TryParse(pair[0].GetString(), out var kind))
                {
                    Problem($"attributes.{property.Name}", $"must be [\"String\", \"value\"] or [\"Numeric\", \"value\"], was {pair.GetRawText()}");
                    ok = false;
                    continue;
                }

                pairs[property.Name] = (kind, pair[1].GetString()!);
            }

            foreach (var mandatory in new[] { "type", "ncpus", "nram" })
            {
                if (!value.TryGetProperty(mandatory, out _))
                {
                    Problem($"attributes.{mandatory}", "is required");
                    ok = false;
                }
            }

            var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var name in IntegerAttributes.Where(pairs.ContainsKey))
            {
                var (kind, text) = pairs[name];
                if (kind != AttributeKind.Numeric || !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    Problem($"attributes.{name}", $"must be [\"Numeric\", \"<whole number>\"], was [\"{AttributeKindWords.ToWord(kind)}\", \"{text}\"]");
                    ok = false;
                    continue;
                }

                numbers[name] = number;
            }

            if (pairs.TryGetValue("type", out var type) && type.Kind != AttributeKind.String)
            {
                Problem("attributes.type", "must be [\"String\", \"<type>\"]");
                ok = false;
            }

            if (!ok)
            {
                return null;
            }

            try
            {
                var extras = pairs
                    .Where(static p => p.Key is not ("type" or "ncpus" or "ncores" or "nram" or "rank" or "priceInfo"))
                    .Select(static p => new TemplateAttribute(p.Key, p.Value.Kind, p.Value.Value))
                    .ToArray();
                return new TemplateAttributes(
                    type.Value,
                    numbers["nram"],
                    numbers["ncpus"],
                    numbers.TryGetValue("ncores", out var cores) ? cores : null,
                    numbers.TryGetValue("rank", out var rank) ? rank : null,
                    pairs.TryGetValue("priceInfo", out var price) ? price.Value : null,
                    extras);
            }
            catch (DomainException exception)
            {
                Problem("attributes", exception.Message.TrimEnd('.'));
                return null;
            }
        }

        private ProviderSettings ReadSettings()
        {
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (KnownFields.Contains(property.Name, StringComparer.Ordinal) || IgnoredFields.Contains(property.Name, StringComparer.Ordinal))
                {
                    continue;
                }

                values[property.Name] = property.Value.ValueKind == JsonValueKind.Null ? null : Canonical(property.Value);
            }

            return values.Count == 0 ? ProviderSettings.Empty : new ProviderSettings(values);
        }

        // Written back through a writer so comments and trailing commas of the hand-edited file do not reach the provider.
        private static string Canonical(JsonElement value)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                value.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        private void Problem(string field, string problem) => problems.Add($"{Label}: field '{field}' {problem}.");
    }
}

/// <summary>The templates file cannot be used; the message lists every problem with the file, the template and the field.</summary>
public sealed class TemplateFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">The templates file.</param>
    /// <param name="problems">Each problem, naming the template and the field.</param>
    /// <param name="innerException">The cause, if any.</param>
    public TemplateFileException(string file, IReadOnlyList<string> problems, Exception? innerException = null)
        : base($"{file}: {(problems.Count == 1 ? problems[0] : $"{problems.Count} problems: {string.Join(" ", problems)}")}", innerException)
    {
        File = file;
        Problems = problems;
    }

    /// <summary>The templates file.</summary>
    public string File { get; }

    /// <summary>Each problem, naming the template and the field.</summary>
    public IReadOnlyList<string> Problems { get; }
}
