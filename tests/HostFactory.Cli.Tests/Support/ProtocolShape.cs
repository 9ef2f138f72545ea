using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace HostFactory.Cli.Tests.Support;

/// <summary>
/// Checks answers against the protocol document (shared/hostfactory-protocol.md) field by field: every mandatory
/// field present with its JSON type, every field name spelt exactly (camelCase; a field the protocol does not name is
/// reported, so a casing slip cannot hide), every status and result word within its allowed set. Each method returns
/// the violations found; an empty list means the answer is to the letter.
/// </summary>
public static partial class ProtocolShape
{
    public static readonly string[] RequestStatuses = ["running", "complete", "complete_with_error"];
    public static readonly string[] MachineResults = ["executing", "succeed", "fail"];
    public static readonly string[] MachineStatuses = ["pending", "running", "stopping", "stopped", "shutting-down", "terminated"];

    private static readonly string[] TemplateFields = ["templateId", "maxNumber", "availableNumber", "requestedMachines", "attributes"];
    private static readonly string[] MachineFields =
        ["machineId", "name", "result", "status", "privateIpAddress", "publicIpAddress", "launchtime", "message", "priceType", "instanceType", "instanceTags", "cloudHostId"];

    /// <summary><c>getAvailableTemplates</c>. Provider-specific extra fields are allowed on templates, as the protocol says.</summary>
    public static IReadOnlyList<string> Templates(JsonElement answer)
    {
        var problems = new List<string>();
        if (!Object(answer, "answer", problems))
        {
            return problems;
        }

        Only(answer, "answer", ["message", "templates"], problems);
        String(answer, "message", "answer", problems, required: true);
        if (!Array(answer, "templates", "answer", problems))
        {
            return problems;
        }

        var index = 0;
        foreach (var template in answer.GetProperty("templates").EnumerateArray())
        {
            var at = $"templates[{index++}]";
            if (!Object(template, at, problems))
            {
                continue;
            }

            // Extra fields are allowed; the protocol's own must still be spelt right (e.g. no "TemplateId").
            foreach (var property in template.EnumerateObject())
            {
                if (!TemplateFields.Contains(property.Name) && TemplateFields.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add($"{at}.{property.Name}: wrong casing of a protocol field.");
                }
            }

            if (String(template, "templateId", at, problems, required: true) is { } id && !TemplateIdPattern().IsMatch(id))
            {
                problems.Add($"{at}.templateId '{id}' is not 1-64 characters of 0-9 A-Z a-z - _.");
            }

            if (Integer(template, "maxNumber", at, problems, required: true) is { } max && max != -1 && max is < 0 or > 10000)
            {
                problems.Add($"{at}.maxNumber {max} is neither -1 nor within 0..10000.");
            }

            if (Integer(template, "availableNumber", at, problems, required: false) is < 0)
            {
                problems.Add($"{at}.availableNumber is negative.");
            }

            if (template.TryGetProperty("requestedMachines", out var requested)
                && (requested.ValueKind != JsonValueKind.Array || requested.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String)))
            {
                problems.Add($"{at}.requestedMachines must be an array of strings.");
            }

            Attributes(template, at, problems);
        }

        return problems;
    }

    /// <summary><c>requestMachines</c> / <c>requestReturnMachines</c> success: exactly <c>requestId</c> (with its prefix) and <c>message</c>.</summary>
    public static IReadOnlyList<string> RequestAccepted(JsonElement answer, string prefix)
    {
        var problems = new List<string>();
        if (!Object(answer, "answer", problems))
        {
            return problems;
        }

        Only(answer, "answer", ["requestId", "message"], problems);
        if (String(answer, "requestId", "answer", problems, required: true) is { } id && !id.StartsWith(prefix, StringComparison.Ordinal))
        {
            problems.Add($"requestId '{id}' does not start with '{prefix}'.");
        }

        String(answer, "message", "answer", problems, required: true);
        return problems;
    }

    /// <summary>A failed operation: exactly <c>{"message": "…"}</c>, non-empty, no <c>requestId</c>.</summary>
    public static IReadOnlyList<string> Failure(JsonElement answer)
    {
        var problems = new List<string>();
        if (!Object(answer, "answer", problems))
        {
            return problems;
        }

        Only(answer, "answer", ["message"], problems);
        if (String(answer, "message", "answer", problems, required: true) is { Length: 0 })
        {
            problems.Add("message is empty.");
        }

        return problems;
    }

    /// <summary><c>getRequestStatus</c>.</summary>
    public static IReadOnlyList<string> RequestStatus(JsonElement answer)
    {
        var problems = new List<string>();
        if (!Object(answer, "answer", problems))
        {
            return problems;
        }

        Only(answer, "answer", ["requests"], problems);
        if (!Array(answer, "requests", "answer", problems))
        {
            return problems;
        }

        var index = 0;
        foreach (var request in answer.GetProperty("requests").EnumerateArray())
        {
            var at = $"requests[{index++}]";
            if (!Object(request, at, problems))
            {
                continue;
            }

            Only(request, at, ["requestId", "status", "message", "machines"], problems);
            String(request, "requestId", at, problems, required: true);
            Word(request, "status", at, RequestStatuses, problems, required: true);
            String(request, "message", at, problems, required: true);
            if (!Array(request, "machines", at, problems))
            {
                continue;
            }

            var machineIndex = 0;
            foreach (var machine in request.GetProperty("machines").EnumerateArray())
            {
                Machine(machine, $"{at}.machines[{machineIndex++}]", problems);
            }
        }

        return problems;
    }

    /// <summary><c>getReturnRequests</c>.</summary>
    public static IReadOnlyList<string> ReturnRequests(JsonElement answer)
    {
        var problems = new List<string>();
        if (!Object(answer, "answer", problems))
        {
            return problems;
        }

        Only(answer, "answer", ["status", "message", "requests"], problems);
        Word(answer, "status", "answer", RequestStatuses, problems, required: true);
        String(answer, "message", "answer", problems, required: true);
        if (!Array(answer, "requests", "answer", problems))
        {
            return problems;
        }

        var index = 0;
        foreach (var entry in answer.GetProperty("requests").EnumerateArray())
        {
            var at = $"requests[{index++}]";
            if (!Object(entry, at, problems))
            {
                continue;
            }

            Only(entry, at, ["machine", "gracePeriod"], problems);
            String(entry, "machine", at, problems, required: true);
            if (Integer(entry, "gracePeriod", at, problems, required: true) is < 0)
            {
                problems.Add($"{at}.gracePeriod is negative.");
            }
        }

        return problems;
    }

    private static void Machine(JsonElement machine, string at, List<string> problems)
    {
        if (!Object(machine, at, problems))
        {
            return;
        }

        Only(machine, at, MachineFields, problems);
        String(machine, "machineId", at, problems, required: true);
        String(machine, "name", at, problems, required: true);
        var result = Word(machine, "result", at, MachineResults, problems, required: true);
        Word(machine, "status", at, MachineStatuses, problems, required: false);
        String(machine, "privateIpAddress", at, problems, required: true);
        if (machine.TryGetProperty("publicIpAddress", out var publicIp) && publicIp.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            problems.Add($"{at}.publicIpAddress must be a string or null, was {publicIp.ValueKind}.");
        }

        // Epoch seconds (not milliseconds, not a date string): between 2001 and 2286.
        if (Integer(machine, "launchtime", at, problems, required: true) is { } launch && launch is < 1_000_000_000 or > 9_999_999_999)
        {
            problems.Add($"{at}.launchtime {launch} is not epoch seconds.");
        }

        var message = String(machine, "message", at, problems, required: result == "fail");
        if (result == "fail" && string.IsNullOrWhiteSpace(message))
        {
            problems.Add($"{at}.message is mandatory when result is fail.");
        }

        foreach (var optional in new[] { "priceType", "instanceType", "instanceTags", "cloudHostId" })
        {
            String(machine, optional, at, problems, required: false);
        }
    }

    private static void Attributes(JsonElement template, string at, List<string> problems)
    {
        if (!template.TryGetProperty("attributes", out var attributes) || attributes.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{at}.attributes is mandatory and must be an object.");
            return;
        }

        foreach (var mandatory in new[] { "type", "ncpus", "nram" })
        {
            if (!attributes.TryGetProperty(mandatory, out _))
            {
                problems.Add($"{at}.attributes.{mandatory} is mandatory.");
            }
        }

        foreach (var attribute in attributes.EnumerateObject())
        {
            var value = attribute.Value;
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2 || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                problems.Add($"{at}.attributes.{attribute.Name} must be a two-element array of strings, was {value.GetRawText()}.");
                continue;
            }

            var kind = value[0].GetString();
            if (kind is not ("String" or "Numeric"))
            {
                problems.Add($"{at}.attributes.{attribute.Name} has type name '{kind}', not String or Numeric.");
            }
            else if (kind == "Numeric" && !double.TryParse(value[1].GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                problems.Add($"{at}.attributes.{attribute.Name} is Numeric but '{value[1].GetString()}' is not a number.");
            }
        }

        foreach (var numeric in new[] { "ncpus", "ncores", "nram" })
        {
            if (attributes.TryGetProperty(numeric, out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 2
                && value[0].ValueKind == JsonValueKind.String && value[0].GetString() != "Numeric")
            {
                problems.Add($"{at}.attributes.{numeric} must be Numeric.");
            }
        }
    }

    private static bool Object(JsonElement value, string at, List<string> problems)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        problems.Add($"{at} must be an object, was {value.ValueKind}.");
        return false;
    }

    private static bool Array(JsonElement parent, string name, string at, List<string> problems)
    {
        if (parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array)
        {
            return true;
        }

        problems.Add($"{at}.{name} is mandatory and must be an array.");
        return false;
    }

    private static void Only(JsonElement value, string at, IReadOnlyCollection<string> allowed, List<string> problems)
    {
        foreach (var property in value.EnumerateObject().Where(p => !allowed.Contains(p.Name)))
        {
            problems.Add($"{at}.{property.Name} is not a field of the protocol here.");
        }
    }

    private static string? String(JsonElement parent, string name, string at, List<string> problems, bool required)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            if (required)
            {
                problems.Add($"{at}.{name} is mandatory.");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{at}.{name} must be a string, was {value.ValueKind}.");
            return null;
        }

        return value.GetString();
    }

    private static long? Integer(JsonElement parent, string name, string at, List<string> problems, bool required)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            if (required)
            {
                problems.Add($"{at}.{name} is mandatory.");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            problems.Add($"{at}.{name} must be a whole number, was {value.GetRawText()}.");
            return null;
        }

        return number;
    }

    private static string? Word(JsonElement parent, string name, string at, IReadOnlyCollection<string> allowed, List<string> problems, bool required)
    {
        var word = String(parent, name, at, problems, required);
        if (word is not null && !allowed.Contains(word))
        {
            problems.Add($"{at}.{name} '{word}' is not one of {string.Join(", ", allowed)}.");
        }

        return word;
    }

    [GeneratedRegex("^[0-9A-Za-z_-]{1,64}$")]
    private static partial Regex TemplateIdPattern();
}
