using System.Text.Json;
using HostFactory.Providers.Abstractions;

namespace HostFactory.Providers.StaticPool;

/// <summary>
/// The leases of one pool instance in <c>leases.json</c> in its state directory. Host Factory runs many
/// plugin processes at once, so every change happens under an OS lock on <c>leases.lock</c> (a
/// <see cref="FileShare.None"/> open, which .NET maps to <c>flock</c> on Linux) and is written to a
/// temporary file, flushed to disk and renamed over the old one, so a reader without the lock sees either
/// the old or the new file, never half of one.
/// </summary>
internal sealed class LeaseStore(string directory, TimeSpan lockTimeout)
{
    private static readonly TimeSpan LockRetry = TimeSpan.FromMilliseconds(20);

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
    public async Task<T> UpdateAsync<T>(Func<LeaseFile, (LeaseFile Leases, T Result)> change, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await using var held = await LockAsync(cancellationToken);
        var (leases, result) = change(Read());
        Write(leases);
        return result;
    }

    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + lockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another process holds the lock: leases change in milliseconds, so a short wait is enough.
                await Task.Delay(LockRetry, cancellationToken);
            }
            catch (IOException exception)
            {
                throw new TransientProviderException($"The lease file lock '{LockPath}' was held by another process for more than {lockTimeout.TotalSeconds} s.", exception);
            }
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
