using System.Diagnostics;
using HostFactory.Common;
using Microsoft.Win32.SafeHandles;

namespace HostFactory.Storage.Json;

/// <summary>
/// Cross-process exclusive locks. Each aggregate maps (by a stable hash of kind and id) to one of 256 lock files in
/// <c>locks/</c>, each a <see cref="FileLock"/>: an advisory <c>flock(LOCK_EX)</c> released by the kernel when the
/// holder closes it or dies, so a killed process never leaves a lock behind. A fixed
/// set of files avoids both one lock file per aggregate ever stored and the race of deleting lock files.
/// </summary>
internal sealed class StripeLocks(string directory, TimeSpan timeout)
{
    public const int StripeCount = 256;

    public string Directory { get; } = directory;

    public TimeSpan Timeout { get; } = timeout;

    /// <summary>The stripe of an aggregate: the <see cref="StableHash"/> of <c>kind:id</c>, identical in every process.</summary>
    public static int StripeOf(string kind, string id)
    {
        var hash = new StableHash();
        hash.Add(kind);
        hash.Add(':');
        hash.Add(id);
        return (int)(hash.Value % StripeCount);
    }

    public string PathOf(int stripe) => Path.Join(Directory, $"{stripe:x2}.lock");

    /// <summary>
    /// Takes the locks of <paramref name="stripes"/> in ascending order (so two batches never deadlock), polling each
    /// until <see cref="Timeout"/> has passed since the call.
    /// </summary>
    /// <exception cref="StorageLockTimeoutException">A lock stayed held by another process past the timeout.</exception>
    /// <exception cref="StorageUnavailableException">A lock file cannot be opened (read-only or missing directory).</exception>
    public async ValueTask<HeldLocks> AcquireAsync(IEnumerable<int> stripes, string subject, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var held = new HeldLocks();
        try
        {
            foreach (var stripe in stripes.Distinct().Order())
            {
                held.Add(await WaitForAsync(PathOf(stripe), started, subject, cancellationToken));
            }

            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Takes the lock file <paramref name="name"/> of the locks directory, one that is not a stripe: for a lock held
    /// while stripes are taken (a stripe taken twice by one holder would wait for itself). Polls like
    /// <see cref="AcquireAsync"/>.
    /// </summary>
    /// <exception cref="StorageLockTimeoutException">The lock stayed held by another holder past the timeout.</exception>
    /// <exception cref="StorageUnavailableException">The lock file cannot be opened.</exception>
    public async ValueTask<HeldLocks> AcquireNamedAsync(string name, string subject, CancellationToken cancellationToken)
    {
        var held = new HeldLocks();
        held.Add(await WaitForAsync(Path.Join(Directory, name), Stopwatch.GetTimestamp(), subject, cancellationToken));
        return held;
    }

    /// <summary>Takes all the locks without waiting, or none: null when any is held elsewhere (used by recovery, which must not block).</summary>
    public HeldLocks? TryAcquire(IEnumerable<int> stripes)
    {
        var held = new HeldLocks();
        foreach (var stripe in stripes.Distinct().Order())
        {
            if (TryOpen(PathOf(stripe)) is not { } handle)
            {
                held.Dispose();
                return null;
            }

            held.Add(handle);
        }

        return held;
    }

    private async ValueTask<SafeFileHandle> WaitForAsync(string path, long started, string subject, CancellationToken cancellationToken)
    {
        // The timeout counts from the call, however many stripes it takes; the last stripe is still tried once.
        var left = Timeout - Stopwatch.GetElapsedTime(started);
        try
        {
            return await FileLock.AcquireAsync(path, left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken)
                ?? throw new StorageLockTimeoutException(subject, path, Timeout);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(path, exception);
        }
    }

    /// <summary>The lock file open with an exclusive lock, or null when another open file description holds it.</summary>
    /// <exception cref="StorageUnavailableException">The lock file cannot be opened.</exception>
    public static SafeFileHandle? TryOpen(string path)
    {
        try
        {
            return FileLock.TryAcquire(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(path, exception);
        }
    }

    private static StorageUnavailableException Unavailable(string path, Exception exception) =>
        new(Path.GetDirectoryName(path)!, $"the lock file '{path}' cannot be opened for writing: {exception.Message}", exception);
}

/// <summary>Locks taken together and released together (in reverse order) on dispose.</summary>
internal sealed class HeldLocks : IDisposable
{
    private readonly List<SafeFileHandle> _handles = [];

    public void Add(SafeFileHandle handle) => _handles.Add(handle);

    public void Dispose()
    {
        for (var i = _handles.Count - 1; i >= 0; i--)
        {
            _handles[i].Dispose();
        }

        _handles.Clear();
    }
}
