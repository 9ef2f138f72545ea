using System.CommandLine;
using HostFactory.Cli.Operator;

namespace HostFactory.Cli.Commands;

/// <summary>What one command line says through the global options.</summary>
/// <param name="ConfigPath">The <c>--config</c> value, if given.</param>
/// <param name="Format">The <c>--format</c> asked for, else a table on a terminal and JSON when stdout is redirected.</param>
internal readonly record struct GlobalValues(string? ConfigPath, OutputFormat Format);

/// <summary>
/// The options every verb takes: <c>--config PATH</c> on the root and <c>--format table|json</c> on the operator verb
/// groups, both recursive. Made only when the command tree is built: a protocol call from Host Factory's scripts never
/// builds them.
/// </summary>
/// <param name="isOutputRedirected">True when stdout is a pipe or a file: JSON is then the default format.</param>
internal sealed class GlobalOptions(bool isOutputRedirected)
{
    /// <summary>The global option naming the configuration.</summary>
    public const string ConfigOptionName = "--config";

    /// <summary><c>--config PATH</c>: a configuration file or directory; wins over <c>HF_PROVIDER_CONFDIR</c>.</summary>
    public Option<string?> Config { get; } = new(ConfigOptionName)
    {
        Description = "The configuration file (hostfactory.json) or the directory holding it; wins over HF_PROVIDER_CONFDIR.",
        HelpName = "PATH",
        Recursive = true,
    };

    /// <summary><c>--format table|json</c> of the operator verbs.</summary>
    public Option<OutputFormat?> Format { get; } = new("--format")
    {
        Description = "table or json; a table on a terminal, JSON when stdout is redirected.",
        Recursive = true,
        HelpName = "table|json",
    };

    /// <summary>The <c>--config</c> value of <paramref name="parseResult"/>, if given.</summary>
    public string? ConfigPath(ParseResult parseResult) => parseResult.GetValue(Config);

    /// <summary>The global options' values of <paramref name="parseResult"/>, which parsed without errors.</summary>
    public GlobalValues ValuesOf(ParseResult parseResult) => new(ConfigPath(parseResult), FormatOf(parseResult));

    /// <summary>
    /// True when a failure of <paramref name="parseResult"/> (which may not have parsed) is reported as
    /// <c>{"message"}</c> on stdout: JSON asked for, or stdout redirected when <c>--format</c> itself did not parse.
    /// </summary>
    public bool WantsJson(ParseResult parseResult)
    {
        try
        {
            return FormatOf(parseResult) == OutputFormat.Json;
        }
        catch (InvalidOperationException)
        {
            // --format itself did not parse.
            return isOutputRedirected;
        }
    }

    private OutputFormat FormatOf(ParseResult parseResult) =>
        parseResult.GetValue(Format) ?? (isOutputRedirected ? OutputFormat.Json : OutputFormat.Table);
}
