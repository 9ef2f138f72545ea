using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HostFactory.Cli.Logging;

/// <summary>
/// A file opened for appending that several processes may write at once without losing or interleaving records.
/// On Linux it is opened with <c>O_APPEND</c>, so every write lands at the end of the file atomically; .NET's own
/// <see cref="FileMode.Append"/> only seeks to the end once, and concurrent processes then overwrite each other.
/// </summary>
internal sealed partial class AppendOnlyFile : IDisposable
{
    private const int OWriteOnly = 0x1;
    private const int OCreate = 0x40;
    private const int OAppend = 0x400;
    private const int OCloseOnExec = 0x80000;
    private const int Mode644 = 420;

    private readonly SafeFileHandle? _handle;
    private readonly FileStream? _fallback;

    public AppendOnlyFile(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (OperatingSystem.IsLinux())
        {
            var descriptor = Open(path, OWriteOnly | OCreate | OAppend | OCloseOnExec, Mode644);
            if (descriptor < 0)
            {
                throw new IOException($"Cannot open the log file '{path}' (errno {Marshal.GetLastPInvokeError()}).");
            }

            _handle = new SafeFileHandle(descriptor, ownsHandle: true);
        }
        else
        {
            // Elsewhere best effort: one process appends correctly, concurrent ones may interleave.
            _fallback = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        }
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>Appends one whole record with a single write.</summary>
    public void Append(ReadOnlySpan<byte> record)
    {
        if (_handle is not null)
        {
            // With O_APPEND, Linux ignores the offset and appends.
            RandomAccess.Write(_handle, record, fileOffset: 0);
        }
        else
        {
            _fallback!.Write(record);
            _fallback.Flush();
        }
    }

    public void Dispose()
    {
        _handle?.Dispose();
        _fallback?.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);
}
