using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HostFactory.Cli.Commands;
using HostFactory.Cli.Infrastructure;

namespace HostFactory.Cli.Operator;

/// <summary>What the operator verb groups (<c>templates</c>, <c>requests</c>, <c>machines</c>, <c>providers</c>, <c>scripts</c>) share.</summary>
internal static class OperatorVerbs
{
    // The relaxed encoder keeps quotes and non-ASCII readable, as for the protocol documents.
    private static readonly OperatorJsonContext Context = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>A verb group with <c>--format</c> on it and its sub-commands.</summary>
    public static Command Group(GlobalOptions options, string name, string description)
    {
        var group = new Command(name, description);
        group.Options.Add(options.Format);
        return group;
    }

    /// <summary>Writes <paramref name="value"/> as indented JSON and a newline.</summary>
    public static void WriteJson<T>(TextWriter output, T value, Func<OperatorJsonContext, JsonTypeInfo<T>> typeInfo)
    {
        output.Write(JsonSerializer.Serialize(value, typeInfo(Context)));
        output.Write('\n');
    }

    /// <summary>A time for a table: UTC, to the second.</summary>
    public static string Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary><c>--timeout SECONDS</c> for <c>--wait</c>.</summary>
    public static Option<int> TimeoutOption() => new("--timeout")
    {
        Description = "With --wait: give up after this many seconds (exit code 6); the request goes on.",
        DefaultValueFactory = _ => 300,
        HelpName = "SECONDS",
    };

    /// <summary><c>--limit N</c> for listings.</summary>
    public static Option<int> LimitOption() => new("--limit")
    {
        Description = "The most entries to list (1 to 1000).",
        DefaultValueFactory = _ => 100,
    };

    /// <summary><c>--offset N</c> for listings.</summary>
    public static Option<int> OffsetOption() => new("--offset")
    {
        Description = "How many entries to skip.",
        DefaultValueFactory = _ => 0,
    };
}
