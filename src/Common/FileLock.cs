using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace HostFactory.Common;

/// <summary>
/// Cross-process exclusive locks on lock files. Holding a file open with <see cref="FileShare.None"/> is an advisory
/// <c>flock(LOCK_EX)</c> on Linux and macOS (a sharing lock on Windows), released by the kernel when the holder closes
/// it or dies, so a killed process never leaves a lock behind. Every lock file of HostFactory is taken here, so "held
/// by another" has one meaning and one clock times the waits.
/// </summary>
/// <remarks>A source file linked into each project that needs it (see <c>src/Common/README.md</c>).</remarks>
internal static class FileLock
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan MaxPause = TimeSpan.FromMilliseconds(16);

    /// <summary>Takes the lock of <paramref name="path"/> (creating the file) if no one else holds it, without waiting.</summary>
    /// <returns>The open, locked file: dispose it to release the lock. Null when another open file description holds it.</returns>
    /// <exception cref="IOException">The file cannot be opened for another reason (a missing directory, a read-only file system).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be opened for writing.</exception>
    public static SafeFileHandle? TryAcquire(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception) when (IsHeldElsewhere(exception))
        {
            return null;
        }
    }

    /// <summary>
    /// Takes the lock of <paramref name="path"/>, polling with a growing, jittered pause (1 to 16 ms) while another
    /// holds it, until <paramref name="timeout"/> has passed since the call.
    /// </summary>
    /// <param name="path">The lock file; it is created when missing.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits until cancelled. The lock is tried at least once.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The open, locked file, or null when another still held it after <paramref name="timeout"/>.</returns>
    /// <exception cref="IOException">The file cannot be opened for another reason than the lock.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be opened for writing.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public static async ValueTask<SafeFileHandle?> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var pause = FirstPause;
        SafeFileHandle? handle;
        while ((handle = TryAcquire(path)) is null)
        {
            if (timeout != Timeout.InfiniteTimeSpan && Stopwatch.GetElapsedTime(started) >= timeout)
            {
                return null;
            }

            // Jitter keeps processes that collided from retrying in lockstep.
            await Task.Delay(pause + TimeSpan.FromMicroseconds(Random.Shared.Next(500)), cancellationToken);
            pause = pause * 2 < MaxPause ? pause * 2 : MaxPause;
        }

        return handle;
    }

    /// <summary>
    /// True when another holds the lock of the existing file <paramref name="path"/> now; false when it is free (the
    /// probe takes it and lets it go at once) or when the file or its directory does not exist (the probe creates nothing).
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened for another reason than the lock.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be opened.</exception>
    public static bool IsHeld(string path)
    {
        try
        {
            using var probe = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (IOException exception) when (IsHeldElsewhere(exception))
        {
            return true;
        }
    }

    // .NET reports a lock held elsewhere as EWOULDBLOCK on Unix (11 on Linux, 35 on macOS) and as a sharing or lock
    // violation on Windows; every other I/O error is a real failure.
    private static bool IsHeldElsewhere(IOException exception) =>
        exception.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);
}
