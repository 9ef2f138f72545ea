using HostFactory.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace HostFactory.Cli.Operator;

/// <summary>
/// How operator verbs draw on an interactive terminal (<see cref="CliConsole.Terminal"/>), with Spectre.Console:
/// bordered tables, aligned fields, and a live status line while <c>--wait</c> follows a request. Only this class
/// touches Spectre.Console, and only on a terminal, so no other run (a protocol call above all) loads it; its members
/// take and return only the CLI's own types for the same reason.
/// </summary>
internal static class TerminalRendering
{
    /// <summary>Draws a table with <paramref name="headers"/> and <paramref name="rows"/>.</summary>
    public static void WriteTable(CliConsole console, CliTerminal terminal, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var table = new Table().Border(terminal.Unicode ? TableBorder.Rounded : TableBorder.Ascii).BorderStyle(Accent(terminal));
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
        }

        foreach (var row in rows)
        {
            table.AddRow(headers.Select((_, i) => (IRenderable)new Text(i < row.Count ? row[i] : string.Empty)));
        }

        Create(console.Out, terminal).Write(table);
    }

    /// <summary>Draws <c>key value</c> lines, the keys in a column of their own.</summary>
    public static void WriteFields(CliConsole console, CliTerminal terminal, IReadOnlyList<(string Key, string? Value)> fields)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var (key, value) in fields)
        {
            grid.AddRow(new Text(key, new Style(decoration: Decoration.Bold)), new Text(value ?? string.Empty));
        }

        Create(console.Out, terminal).Write(grid);
    }

    /// <summary>
    /// Runs <paramref name="follow"/> under a live status line (a spinner and the text it reports), which is replaced
    /// by the last text reported once it ends.
    /// </summary>
    public static async Task<T> WithLiveStatusAsync<T>(CliConsole console, CliTerminal terminal, string initial, Func<Action<string>, Task<T>> follow)
    {
        var ansi = Create(console.Out, terminal);
        var last = initial;
        var result = await ansi.Status()
            .Spinner(terminal.Unicode ? Spinner.Known.Dots : Spinner.Known.Line)
            .SpinnerStyle(Accent(terminal))
            .StartAsync(Markup.Escape(initial), context => follow(text =>
            {
                last = text;
                context.Status(Markup.Escape(text));
            }));
        ansi.Write(new Text(last + "\n"));
        return result;
    }

    private static Style Accent(CliTerminal terminal) => terminal.Color ? new Style(Color.Blue) : Style.Plain;

    private static IAnsiConsole Create(TextWriter writer, CliTerminal terminal)
    {
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = terminal.Color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(writer),
            // The CLI decides what the terminal is (CliTerminal); the default enrichers would second-guess it from CI variables.
            Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
        });
        ansi.Profile.Width = terminal.Width;
        ansi.Profile.Capabilities.Unicode = terminal.Unicode;
        return ansi;
    }
}
