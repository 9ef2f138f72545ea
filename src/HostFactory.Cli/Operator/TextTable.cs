using HostFactory.Cli.Infrastructure;

namespace HostFactory.Cli.Operator;

/// <summary>
/// A table of an operator verb: drawn by <see cref="TerminalRendering"/> on an interactive terminal, else plain aligned
/// text (a header row, then one row per item, columns two spaces apart), which scripts parse and which stays as it is.
/// </summary>
internal sealed class TextTable(params string[] headers)
{
    private const int MaxCellWidth = 60;
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public TextTable Add(params string?[] cells)
    {
        _rows.Add(cells.Select(c => Cell(c ?? string.Empty)).ToArray());
        return this;
    }

    /// <summary>Draws the table on <paramref name="console"/>'s terminal, else writes it as plain text to its stdout.</summary>
    public void Write(CliConsole console)
    {
        if (console.Terminal is { } terminal)
        {
            TerminalRendering.WriteTable(console, terminal, headers, _rows);
        }
        else
        {
            Write(console.Out);
        }
    }

    /// <summary>Writes the table as plain text.</summary>
    public void Write(TextWriter output)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        WriteRow(output, headers, widths);
        foreach (var row in _rows)
        {
            WriteRow(output, row, widths);
        }
    }

    /// <summary>Draws <c>key value</c> lines on <paramref name="console"/>'s terminal, else writes them as <see cref="WriteFields(TextWriter, IReadOnlyList{ValueTuple{string, string}})"/> does.</summary>
    public static void WriteFields(CliConsole console, IReadOnlyList<(string Key, string? Value)> fields)
    {
        if (console.Terminal is { } terminal)
        {
            TerminalRendering.WriteFields(console, terminal, fields);
        }
        else
        {
            WriteFields(console.Out, fields);
        }
    }

    /// <summary>Writes <c>key: value</c> lines with the keys aligned.</summary>
    public static void WriteFields(TextWriter output, IReadOnlyList<(string Key, string? Value)> fields)
    {
        var width = fields.Max(f => f.Key.Length) + 1;
        foreach (var (key, value) in fields)
        {
            output.WriteLine($"{(key + ":").PadRight(width)} {value}");
        }
    }

    private static void WriteRow(TextWriter output, IReadOnlyList<string> cells, int[] widths)
    {
        var parts = new string[widths.Length];
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Count ? cells[i] : string.Empty;
            parts[i] = i == widths.Length - 1 ? cell : cell.PadRight(widths[i]);
        }

        output.WriteLine(string.Join("  ", parts).TrimEnd());
    }

    private static string Cell(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= MaxCellWidth ? line : string.Concat(line.AsSpan(0, MaxCellWidth - 1), "…");
    }
}
