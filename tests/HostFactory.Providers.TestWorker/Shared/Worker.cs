using System.Diagnostics;
using System.Globalization;

namespace HostFactory.Providers.Testing;

/// <summary>Runs the test worker (a separate dotnet process that loads the providers through the plugin path) and reads /proc.</summary>
public static class Worker
{
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "worker", "HostFactory.Providers.TestWorker.dll");

    /// <summary>What a worker given a go file adds to its name, with its pid, once it is loaded and waits for it.</summary>
    public const string WaitingSuffix = ".waiting-";

    /// <summary>
    /// The handshake before a go file is written: waits until <paramref name="count"/> workers have loaded their
    /// providers and wait for <paramref name="goFile"/>, so the calls the file starts overlap.
    /// </summary>
    /// <exception cref="TimeoutException">Fewer were waiting after <paramref name="within"/>.</exception>
    public static async Task WaitUntilWaitingAsync(string goFile, int count, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var pattern = Path.GetFileName(goFile) + WaitingSuffix + "*";
        while (Directory.GetFiles(Path.GetDirectoryName(goFile)!, pattern).Length < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Fewer than {count} workers were waiting for '{goFile}' after {within.TotalSeconds:0} s.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Starts the worker; the caller waits for it.</summary>
    public static Process Start(params string[] arguments) => Start(null, arguments);

    /// <summary>Starts the worker with <paramref name="environment"/> added to this process's; the caller waits for it.</summary>
    public static Process Start(IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    /// <summary>Runs the worker to its end and returns its stdout; throws with its stderr when it fails.</summary>
    public static async Task<string> RunAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        return await FinishAsync(process);
    }

    public static async Task<string> FinishAsync(Process process)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"The worker exited with code {process.ExitCode}: {await error}");
    }
}

/// <summary>Facts about OS processes, read from /proc, and a way to end them.</summary>
public static class Processes
{
    /// <summary>Fields 3 onwards of /proc/pid/stat (index 0 = state, 1 = ppid, 3 = session, 19 = start time); null when gone.</summary>
    public static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>True when the process exists and has not exited (a zombie has).</summary>
    public static bool IsRunning(int pid) => Stat(pid) is { } stat && stat[0] is not ("Z" or "X");

    public static int Parent(int pid) => int.Parse(Stat(pid)![1], CultureInfo.InvariantCulture);

    public static int Session(int pid) => int.Parse(Stat(pid)![3], CultureInfo.InvariantCulture);

    /// <summary>Waits until the process has exited; false when it still runs after <paramref name="within"/>.</summary>
    public static async Task<bool> WaitForExitAsync(int pid, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (IsRunning(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(25);
        }

        return true;
    }

    /// <summary>Waits until no live process has an argument containing <paramref name="text"/> (a launcher still at work); false when one still does after <paramref name="within"/>.</summary>
    public static async Task<bool> WaitUntilNoneMentionsAsync(string text, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (Directory.EnumerateDirectories("/proc").Any(d => int.TryParse(Path.GetFileName(d), out var pid) && IsRunning(pid) && CommandLine(pid).Contains(text, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(25);
        }

        return true;
    }

    /// <summary>The process's arguments, NUL-separated; empty when it is gone.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    /// <summary>Kills the process group led by <paramref name="pid"/> (our machines lead theirs), ignoring the already gone.</summary>
    public static void KillGroup(int pid)
    {
        if (IsRunning(pid))
        {
            using var kill = Process.Start("kill", ["-s", "KILL", "--", $"-{pid}"]);
            kill.WaitForExit(5000);
        }
    }
}
