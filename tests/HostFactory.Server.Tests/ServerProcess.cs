using System.Diagnostics;

namespace HostFactory.Server.Tests;

/// <summary>What the server process did.</summary>
internal sealed record ServerProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}

/// <summary>Runs the server as its own OS process (<c>dotnet HostFactory.Server.dll</c> from the test output), as a service manager starts it.</summary>
internal static class ServerProcess
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Runs the server with <paramref name="arguments"/> until it ends by itself; a server still running at the deadline
    /// is killed and the test fails. The runner's Host Factory and server variables never reach it.
    /// </summary>
    public static async Task<ServerProcessResult> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HostFactory.Server.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "HF_PROVIDER_NAME", "HF_PROVIDER_CONFDIR", "HF_PROVIDER_WORKDIR", "HF_PROVIDER_LOGDIR", "HF_SERVER_TOKEN", "ASPNETCORE_URLS" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"The server did not end within {Deadline.TotalSeconds} s. stdout: {await output} stderr: {await error}");
        }

        return new ServerProcessResult(process.ExitCode, await output, await error);
    }
}
