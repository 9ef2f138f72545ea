using System.Runtime.ExceptionServices;
using HostFactory.Cli.Infrastructure;

namespace HostFactory.Cli.Protocol;

/// <summary>
/// A protocol verb's input, read once: the resident client reads it to hand it over, and when the call runs in this
/// process after all, the same bytes (or the same failure) are used; stdin cannot be read twice.
/// </summary>
internal sealed class ProtocolInputSource
{
    private readonly string? _file;
    private byte[]? _bytes;
    private ExceptionDispatchInfo? _failure;

    private ProtocolInputSource(string? file, string description, byte[]? bytes)
    {
        _file = file;
        Description = description;
        _bytes = bytes;
    }

    /// <summary>How messages name the input: <c>'FILE'</c> or <c>stdin</c>.</summary>
    public string Description { get; }

    /// <summary><c>-f FILE</c>, or stdin when <paramref name="file"/> is null or <c>-</c>.</summary>
    public static ProtocolInputSource FromFile(string? file) => new(file, ProtocolVerbs.SourceOf(file), null);

    /// <summary>Bytes already read elsewhere (by the client of the resident process).</summary>
    public static ProtocolInputSource FromBytes(byte[] bytes, string description) => new(null, description, bytes);

    /// <summary>The bytes, reading them on first use; a failure is kept and thrown again on every call.</summary>
    /// <exception cref="InputException">The file does not exist or cannot be read, or the input is too large.</exception>
    public byte[] Read(CliConsole console)
    {
        _failure?.Throw();
        if (_bytes is null)
        {
            try
            {
                _bytes = ProtocolInput.ReadBytes(_file, console);
            }
            catch (InputException exception)
            {
                _failure = ExceptionDispatchInfo.Capture(exception);
                throw;
            }
        }

        return _bytes;
    }

    /// <summary>Like <see cref="Read"/>, false instead of an exception.</summary>
    public bool TryRead(CliConsole console, out byte[] bytes)
    {
        try
        {
            bytes = Read(console);
            return true;
        }
        catch (InputException)
        {
            bytes = [];
            return false;
        }
    }
}
