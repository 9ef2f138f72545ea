using System.Diagnostics;
using System.Text;

namespace HostFactory.Cli.Tests.Support;

/// <summary>What one child process did.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="StandardOutput">Everything it wrote to stdout.</param>
/// <param name="StandardError">Everything it wrote to stderr.</param>
public sealed record CliResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The non-empty stderr lines.</summary>
    public IReadOnlyList<string> ErrorLines => StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}

/// <summary>Runs the CLI (or a script that runs it) as a child process, with a controlled environment.</summary>
public static class CliProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The folder holding hostfactory.dll, providers/ and config/: this test project's output.</summary>
    public static string InstallationDirectory => AppContext.BaseDirectory;

    /// <summary>hostfactory.dll beside the tests.</summary>
    public static string Assembly => Path.Combine(InstallationDirectory, "hostfactory.dll");

    /// <summary>Runs <c>dotnet hostfactory.dll ARGS</c>.</summary>
    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        StartAsync("dotnet", [Assembly, .. arguments], environment, standardInput: null);

    /// <summary>Runs <c>dotnet hostfactory.dll ARGS</c> with <paramref name="standardInput"/> piped in.</summary>
    public static Task<CliResult> RunWithInputAsync(IReadOnlyDictionary<string, string?> environment, byte[] standardInput, params string[] arguments) =>
        StartAsync("dotnet", [Assembly, .. arguments], environment, standardInput);

    /// <summary>
    /// Runs any program. With <paramref name="killAfter"/>, a program still running by then gets SIGKILL, it and every
    /// process it started that still belongs to its tree, as Host Factory kills a script past its timeout; its exit
    /// code is then 137. With <paramref name="killWhen"/>, the same happens as soon as that holds (polled every 5 ms).
    /// </summary>
    public static async Task<CliResult> StartAsync(
        string program,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string?> environment,
        byte[]? standardInput,
        TimeSpan? killAfter = null,
        Func<bool>? killWhen = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test runner's own Host Factory variables (if any) must not leak into the child.
        foreach (var name in new[] { "HF_PROVIDER_NAME", "HF_PROVIDER_CONFDIR", "HF_PROVIDER_WORKDIR", "HF_PROVIDER_LOGDIR", "HOSTFACTORY_STORAGE_CONNECTION" })
        {
            start.Environment.Remove(name);
        }

        // Protocol calls would start resident processes that outlive the test; the tests of that path ask for it.
        start.Environment["HOSTFACTORY_RESIDENT"] = "0";
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(standardInput);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The CLI may stop reading (an input over the limit) and close the pipe first.
        }
        while (killWhen is not null && !process.HasExited)
        {
            if (killWhen())
            {
                process.Kill(entireProcessTree: true);
                break;
            }

            await Task.Delay(5);
        }

        if (killAfter is { } after)
        {
            using var kill = new CancellationTokenSource(after);
            try
            {
                await process.WaitForExitAsync(kill.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {Timeout.TotalSeconds} s.");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }
}
