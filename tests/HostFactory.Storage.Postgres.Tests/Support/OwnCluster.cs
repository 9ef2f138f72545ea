using System.Diagnostics;

namespace HostFactory.Storage.Postgres.Testing;

/// <summary>
/// A PostgreSQL cluster of one test's own, made by the repository's <c>.ci/postgres</c> in a temp directory: for the
/// tests that stop and start the server, which must not disturb the shared one. Deleted on dispose.
/// </summary>
public sealed class OwnCluster : IAsyncDisposable
{
    private readonly string _script;
    private readonly string _directory;

    private OwnCluster(string script, string directory, string connectionString)
    {
        _script = script;
        _directory = directory;
        ConnectionString = connectionString;
    }

    /// <summary>A connection string to its <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates and starts the cluster.</summary>
    public static async Task<OwnCluster> StartAsync()
    {
        var script = FindScript();
        var directory = Path.Combine(Path.GetTempPath(), "hf-pg-own-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var output = await RunAsync(script, "start", directory);
            return new OwnCluster(script, directory, output.Trim());
        }
        catch
        {
            await RunAsync(script, "stop", directory);
            throw;
        }
    }

    /// <summary>Stops the server, keeping its data: the database is down.</summary>
    public Task StopServerAsync() => RunAsync(_script, "pause", _directory);

    /// <summary>Starts the server again on the same port.</summary>
    public Task StartServerAsync() => RunAsync(_script, "resume", _directory);

    public async ValueTask DisposeAsync() => await RunAsync(_script, "stop", _directory);

    private static string FindScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var script = Path.Combine(directory.FullName, ".ci", "postgres");
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new InvalidOperationException($"No .ci/postgres above {AppContext.BaseDirectory}: the test runs from a clone of the repository.");
    }

    private static async Task<string> RunAsync(string script, string command, string directory)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($".ci/postgres {command} failed (exit {process.ExitCode}): {await error}");
        }

        return await output;
    }
}
