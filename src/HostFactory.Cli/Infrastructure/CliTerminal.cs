namespace HostFactory.Cli.Infrastructure;

/// <summary>
/// What the interactive terminal on stdout can show. <see cref="Detect"/> is the one place that decides whether there
/// is one: operator verbs then draw their tables, and the live display of <c>--wait</c>, with Spectre.Console;
/// without one (a pipe, a file, <c>TERM=dumb</c>) they print the plain text scripts parse.
/// </summary>
/// <param name="Color">Colours may be used: <c>NO_COLOR</c> is unset or empty (https://no-color.org).</param>
/// <param name="Unicode">The locale (<c>LC_ALL</c>, <c>LC_CTYPE</c>, <c>LANG</c>) is UTF-8: box-drawing characters; else ASCII borders.</param>
/// <param name="Width">The terminal's width in columns (80 when it cannot be read).</param>
internal sealed record CliTerminal(bool Color, bool Unicode, int Width)
{
    /// <summary>The width assumed when the terminal does not tell its own.</summary>
    public const int DefaultWidth = 80;

    /// <summary>
    /// The terminal on stdout, or null when stdout is not an interactive terminal: redirected to a pipe or a file, or
    /// <c>TERM</c> is <c>dumb</c>. <paramref name="windowWidth"/> is asked only when there is a terminal.
    /// </summary>
    public static CliTerminal? Detect(Func<string, string?> environment, bool isOutputRedirected, Func<int> windowWidth)
    {
        if (isOutputRedirected || string.Equals(environment("TERM"), "dumb", StringComparison.Ordinal))
        {
            return null;
        }

        var width = windowWidth();
        return new CliTerminal(
            Color: string.IsNullOrEmpty(environment("NO_COLOR")),
            Unicode: IsUtf8Locale(environment),
            Width: width > 0 ? width : DefaultWidth);
    }

    /// <summary>The locale's character set, by POSIX precedence: the first of LC_ALL, LC_CTYPE, LANG that is set.</summary>
    private static bool IsUtf8Locale(Func<string, string?> environment)
    {
        var locale = new[] { "LC_ALL", "LC_CTYPE", "LANG" }.Select(environment).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        return locale is not null
            && (locale.Contains("UTF-8", StringComparison.OrdinalIgnoreCase) || locale.Contains("utf8", StringComparison.OrdinalIgnoreCase));
    }
}
