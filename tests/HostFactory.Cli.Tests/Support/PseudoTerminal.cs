using System.Text.RegularExpressions;

namespace HostFactory.Cli.Tests.Support;

/// <summary>
/// Runs the CLI on a pseudo-terminal, as a person at a terminal runs it: util-linux <c>script</c> gives the child a
/// terminal for stdin, stdout and stderr (200 columns, set with <c>stty</c>) and copies everything the terminal shows
/// to its own stdout, with the terminal's <c>\r\n</c> line ends. Its exit code is the child's.
/// </summary>
public static partial class PseudoTerminal
{
    /// <summary>The terminal's width in columns.</summary>
    public const int Columns = 200;

    /// <summary>
    /// Runs <c>dotnet hostfactory.dll ARGS</c> on a terminal with <c>TERM=xterm-256color</c> and a UTF-8 locale unless
    /// <paramref name="environment"/> says otherwise; <c>NO_COLOR</c> is removed unless it sets it.
    /// </summary>
    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var variables = new Dictionary<string, string?>
        {
            ["TERM"] = "xterm-256color",
            ["LANG"] = "C.UTF-8",
            ["LC_ALL"] = null,
            ["LC_CTYPE"] = null,
            ["NO_COLOR"] = null,
        };
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        var command = string.Join(' ', new[] { "dotnet", CliProcess.Assembly }.Concat(arguments).Select(Quote));
        return CliProcess.StartAsync("script", ["-qec", $"stty cols {Columns} rows 50 && exec {command}", "/dev/null"], variables, standardInput: null);
    }

    /// <summary>What the terminal showed, with <c>\n</c> line ends.</summary>
    public static string Text(CliResult result) => result.StandardOutput.Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>What the terminal showed without its escape sequences (colours, cursor moves), with <c>\n</c> line ends.</summary>
    public static string Plain(CliResult result) => EscapeSequence().Replace(Text(result), string.Empty);

    private static string Quote(string word) => $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    /// <summary>A CSI sequence (<c>ESC [ … letter</c>) or a two-character escape such as keypad mode (<c>ESC =</c>).</summary>
    [GeneratedRegex(@"\u001b(?:\[[0-9;?]*[A-Za-z]|[=>])")]
    private static partial Regex EscapeSequence();
}
