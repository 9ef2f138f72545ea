using System.Text.Json;
using HostFactory.Common;
using HostFactory.Providers.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace HostFactory.Providers.StaticPool;

/// <summary>
/// The leases of one pool instance in <c>leases.json</c> in its state directory. Host Factory runs many
/// plugin processes at once, so every change happens under an OS lock on <c>leases.lock</c> (a
/// <see cref="FileLock"/>, an advisory <c>flock</c>) and is written to a
/// temporary file, flushed to disk and renamed over the old one, so a reader without the lock sees either
/// the old or the new file, never half of one.
/// </summary>
internal sealed class LeaseStore(string directory, TimeSpan lockTimeout)
{
    private string LeasesPath => Path.Combine(directory, "leases.json");

    private string LockPath => Path.Combine(directory, "leases.lock");

    /// <summary>The leases now, read without the lock (renames keep the file whole).</summary>
    /// <exception cref="MachineProviderException">The lease file is not valid JSON.</exception>
    public LeaseFile Read()
    {
        string text;
        try
        {
            text = File.ReadAllText(LeasesPath);
        }
        catch (FileNotFoundException)
        {
            return new LeaseFile([]);
        }

        try
        {
            var file = JsonSerializer.Deserialize(text, PoolJsonContext.Default.LeaseFile);
            return file is { Leases: not null } ? file : new LeaseFile([]);
        }
        catch (JsonException exception)
        {
            throw new MachineProviderException($"The lease file '{LeasesPath}' is not valid JSON ({exception.Message}); fix or remove it.", exception);
        }
    }

    /// <summary>Reads, changes and writes the leases while holding the lock.</summary>
    /// <exception cref="TransientProviderException">Another process held the lock longer than the lock timeout.</exception>
    /// <exception cref="MachineProviderException">The lock file cannot be opened (a read-only state directory).</exception>
    public async Task<T> UpdateAsync<T>(Func<LeaseFile, (LeaseFile Leases, T Result)> change, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        using var held = await LockAsync(cancellationToken);
        var (leases, result) = change(Read());
        Write(leases);
        return result;
    }

    private async Task<SafeFileHandle> LockAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await FileLock.AcquireAsync(LockPath, lockTimeout, cancellationToken)
                ?? throw new TransientProviderException($"The lease file lock '{LockPath}' was held by another process for more than {lockTimeout.TotalSeconds} s.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new MachineProviderException($"The lease file lock '{LockPath}' cannot be opened: {exception.Message}", exception);
        }
    }

    private void Write(LeaseFile leases)
    {
        var temporary = $"{LeasesPath}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, leases, PoolJsonContext.Default.LeaseFile);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, LeasesPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
