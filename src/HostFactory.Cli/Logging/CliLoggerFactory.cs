using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace HostFactory.Cli.Logging;

/// <summary>
/// The CLI's logging: one line per record, synchronous, to a file shared by every plugin process (records of
/// concurrent processes never interleave: see <see cref="AppendOnlyFile"/>), or to stderr. It is deliberately small:
/// each Host Factory call is a short process, and the full Microsoft.Extensions.Logging pipeline costs start-up time.
/// </summary>
internal sealed class CliLoggerFactory : ILoggerFactory
{
    private readonly AppendOnlyFile? _file;
    private readonly TextWriter? _stderr;
    private readonly LogLevel _minimumLevel;
    private readonly Lock _gate = new();

    private CliLoggerFactory(AppendOnlyFile? file, TextWriter? stderr, LogLevel minimumLevel)
    {
        _file = file;
        _stderr = stderr;
        _minimumLevel = minimumLevel;
    }

    /// <summary>Where records go: the log file's path, or <c>stderr</c>.</summary>
    public string Destination => _file?.Path ?? "stderr";

    /// <summary>Logs to <c>hostfactory.log</c> in <paramref name="directory"/>, appending.</summary>
    public static CliLoggerFactory ToFile(string directory, LogLevel minimumLevel) =>
        new(new AppendOnlyFile(Path.Combine(directory, "hostfactory.log")), null, minimumLevel);

    /// <summary>
    /// Logs to stderr, warnings and worse only (or <paramref name="minimumLevel"/> when higher), and exceptions as one
    /// line: stderr is where the operator reads a verb's one-line reason, and it must stay readable.
    /// </summary>
    public static CliLoggerFactory ToStandardError(TextWriter stderr, LogLevel minimumLevel) =>
        new(null, stderr, minimumLevel > LogLevel.Warning ? minimumLevel : LogLevel.Warning);

    public ILogger CreateLogger(string categoryName) => new CliLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("The hostfactory CLI logs to its own file; providers cannot be added.");

    public void Dispose() => _file?.Dispose();

    private bool IsEnabled(LogLevel level) => level != LogLevel.None && level >= _minimumLevel;

    private void Write(string category, LogLevel level, EventId eventId, string message, Exception? exception)
    {
        var line = new StringBuilder(128)
            .Append(DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
            .Append(" [").Append(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)).Append("] ")
            .Append(Word(level)).Append(' ')
            .Append(category);
        if (eventId.Id != 0)
        {
            line.Append('[').Append(eventId.Id.ToString(CultureInfo.InvariantCulture)).Append(']');
        }

        line.Append(": ").Append(message.ReplaceLineEndings(" "));
        if (exception is not null)
        {
            // The file keeps the whole stack trace (indented, so a record still starts with its timestamp); stderr
            // gets the type and message only.
            line.Append(" | ").Append(_file is null
                ? $"{exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")}"
                : exception.ToString().ReplaceLineEndings("\n    "));
        }

        line.Append('\n');
        if (_file is not null)
        {
            _file.Append(Encoding.UTF8.GetBytes(line.ToString()));
        }
        else
        {
            lock (_gate)
            {
                _stderr!.Write(line.ToString());
                _stderr.Flush();
            }
        }
    }

    private static string Word(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO ",
        LogLevel.Warning => "WARN ",
        LogLevel.Error => "ERROR",
        _ => "CRIT ",
    };

    private sealed class CliLogger(CliLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => factory.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (factory.IsEnabled(logLevel))
            {
                factory.Write(category, logLevel, eventId, formatter(state, exception), exception);
            }
        }
    }
}
