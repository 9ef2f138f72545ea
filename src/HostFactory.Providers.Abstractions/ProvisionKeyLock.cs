using System.Diagnostics;
using HostFactory.Common;
using HostFactory.Domain.Providers;

namespace HostFactory.Providers.Abstractions;

/// <summary>
/// Serialises the provision calls that share a <see cref="ProvisionKey"/> across every process that runs one provider
/// instance, as the port's idempotency asks: the second call waits for the first, then finds what it made. The lock is
/// an advisory <c>flock</c> (a <see cref="FileLock"/>) on one of 64 files in <c>&lt;state directory&gt;/locks/</c>,
/// chosen by a stable hash of the key, so a process killed while it holds it never leaves it held, and no lock file is
/// made per key. Calls under other keys that share the file wait too; that
/// costs a short wait, never a wrong answer.
/// </summary>
public static class ProvisionKeyLock
{
    private const int StripeCount = 64;

    /// <summary>Waits until no other call holds the lock of <paramref name="key"/>, then holds it until disposed.</summary>
    /// <param name="context">The provider instance (its state directory holds the lock files).</param>
    /// <param name="key">The provision call's key.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The held lock; dispose it to let the next call with the key go.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    /// <exception cref="MachineProviderException">The lock file cannot be opened (a read-only or unusable state directory).</exception>
    public static async Task<IDisposable> AcquireAsync(ProviderContext context, ProvisionKey key, CancellationToken cancellationToken)
    {
        var path = PathOf(context, key);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return await FileLock.AcquireAsync(path, Timeout.InfiniteTimeSpan, cancellationToken)
                ?? throw new UnreachableException("A wait without a timeout returned without the lock.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw Unopenable(path, exception);
        }
    }

    /// <summary>Takes the lock of <paramref name="key"/> if no other call holds it, without waiting.</summary>
    /// <param name="context">The provider instance.</param>
    /// <param name="key">The provision call's key.</param>
    /// <returns>The held lock, or null when a call (or a call under a key sharing its file) holds it now.</returns>
    /// <exception cref="MachineProviderException">The lock file cannot be opened.</exception>
    public static IDisposable? TryAcquire(ProviderContext context, ProvisionKey key) => TryOpen(PathOf(context, key));

    private static string PathOf(ProviderContext context, ProvisionKey key)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (key.Value.Length == 0)
        {
            throw new ArgumentException("The provision key is empty (default).", nameof(key));
        }

        // A stable hash: the same file in every process.
        return Path.Combine(context.StateDirectory, "locks", $"provision-{StableHash.Of(key.Value) % StripeCount:x2}.lock");
    }

    private static IDisposable? TryOpen(string path)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return FileLock.TryAcquire(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw Unopenable(path, exception);
        }
    }

    private static MachineProviderException Unopenable(string path, Exception exception) =>
        new($"The provision lock file '{path}' cannot be opened: {exception.Message}", exception);
}
