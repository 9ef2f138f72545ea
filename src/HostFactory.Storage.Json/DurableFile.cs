using System.Runtime.InteropServices;

namespace HostFactory.Storage.Json;

/// <summary>
/// Crash-safe file replacement: write a temp file beside the target, fsync it, rename it over the target (rename(2)
/// is atomic, so a reader sees the old or the new file, never a mix), then fsync the directory so the rename itself
/// survives a power cut.
/// </summary>
internal static partial class DurableFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/> through <paramref name="tempPath"/> (same directory).</summary>
    /// <param name="path">The file to replace.</param>
    /// <param name="tempPath">The temp file, in the same directory (so the rename stays within one file system).</param>
    /// <param name="content">The new content.</param>
    /// <param name="syncDirectory">False when the caller fsyncs the directory once for several files.</param>
    public static void Replace(string path, string tempPath, ReadOnlySpan<byte> content, bool syncDirectory = true)
    {
        using (var stream = new FileStream(tempPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(tempPath, path, overwrite: true);
        if (syncDirectory)
        {
            SyncDirectory(Path.GetDirectoryName(path)!);
        }
    }

    /// <summary>
    /// fsyncs a directory so the names created, renamed or deleted in it are on disk. .NET refuses to open a directory
    /// as a file, so on Linux and macOS this calls libc's open/fsync/close; elsewhere (Windows) renames are journaled
    /// by NTFS and there is nothing to call.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be opened or synced; the message names it and the errno.</exception>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return;
        }

        var fd = Libc.Open(directory, Libc.ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            // EINVAL means the file system cannot sync directories (some network or virtual ones): nothing to do there.
            if (Libc.Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != Libc.EInval)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {errno}).");
            }
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }

    private static partial class Libc
    {
        // O_RDONLY is 0 on every Unix; O_DIRECTORY is left out because its value differs between architectures.
        public const int ReadOnly = 0;
        public const int EInval = 22;

        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static partial int Fsync(int fd);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        public static partial int Close(int fd);
    }
}
