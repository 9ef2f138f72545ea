using System.Text;

namespace HostFactory.Cli.Infrastructure;

/// <summary>
/// The process's standard streams as the verbs use them. <see cref="Out"/> is the real stdout and carries only the
/// answer; everything else that writes to <see cref="Console.Out"/> (a library, a stray WriteLine) is sent to stderr,
/// because Host Factory parses stdout as one JSON document. <see cref="Terminal"/> says whether stdout is an interactive
/// terminal and what it can show.
/// </summary>
internal sealed class CliConsole
{
    private readonly Func<Stream> _openInput;

    public CliConsole(TextWriter output, TextWriter error, Func<Stream> openInput, bool isOutputRedirected, CliTerminal? terminal = null)
    {
        Out = output;
        Error = error;
        _openInput = openInput;
        IsOutputRedirected = isOutputRedirected;
        Terminal = terminal;
    }

    /// <summary>The real stdout: the answer, and nothing else.</summary>
    public TextWriter Out { get; }

    /// <summary>stderr: the one-line reason of a failure, progress, logs when no log directory is set.</summary>
    public TextWriter Error { get; }

    /// <summary>True when stdout is a pipe or a file (JSON then is the default format).</summary>
    public bool IsOutputRedirected { get; }

    /// <summary>The interactive terminal on stdout, or null: a pipe, a file, <c>TERM=dumb</c> (see <see cref="CliTerminal.Detect"/>).</summary>
    public CliTerminal? Terminal { get; }

    /// <summary>Opens stdin.</summary>
    public Stream OpenInput() => _openInput();

    /// <summary>The console of this process, with <see cref="Console.Out"/> redirected to stderr.</summary>
    public static CliConsole ForProcess()
    {
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var output = new StreamWriter(Console.OpenStandardOutput(), utf8) { AutoFlush = false, NewLine = "\n" };
        var error = new StreamWriter(Console.OpenStandardError(), utf8) { AutoFlush = true, NewLine = "\n" };
        var isOutputRedirected = Console.IsOutputRedirected;
        var terminal = CliTerminal.Detect(Environment.GetEnvironmentVariable, isOutputRedirected, WindowWidth);
        Console.SetOut(error);
        Console.SetError(error);
        return new CliConsole(output, error, Console.OpenStandardInput, isOutputRedirected, terminal);
    }

    private static int WindowWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (Exception exception) when (exception is IOException or PlatformNotSupportedException)
        {
            return 0;
        }
    }
}
