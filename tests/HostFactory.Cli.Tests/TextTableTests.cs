using System.Text;
using HostFactory.Cli.Infrastructure;
using HostFactory.Cli.Operator;

namespace HostFactory.Cli.Tests;

/// <summary>
/// The plain text of the operator verbs' tables, which scripts parse when stdout is not a terminal: pinned byte for
/// byte (columns two spaces apart, no trailing blanks, long cells cut at 60 characters with an ellipsis).
/// </summary>
public sealed class TextTableTests
{
    [Fact]
    public void Write_WhenStdoutIsNotATerminal_WritesAlignedColumnsTwoSpacesApart()
    {
        var table = new TextTable("ID", "STATUS", "MESSAGE");
        table.Add("req-1", "completed", "all 2 machines\nrunning");
        table.Add("req-22", null, new string('x', 70));

        var output = Write(console => table.Write(console));

        output.Should().Be(
            "ID      STATUS     MESSAGE\n"
            + "req-1   completed  all 2 machines running\n"
            + $"req-22             {new string('x', 59)}…\n");
    }

    [Fact]
    public void WriteFields_WhenStdoutIsNotATerminal_AlignsTheValuesAfterTheKeys()
    {
        var output = Write(console => TextTable.WriteFields(console, [("request", "req-1"), ("return request", null), ("status", "complete")]));

        output.Should().Be("request:        req-1\nreturn request: \nstatus:         complete\n");
    }

    private static string Write(Action<CliConsole> write)
    {
        using var output = new StringWriter { NewLine = "\n" };
        write(new CliConsole(output, TextWriter.Null, () => Stream.Null, isOutputRedirected: true));
        return output.ToString();
    }
}
