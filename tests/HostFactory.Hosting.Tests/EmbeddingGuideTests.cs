using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using HostFactory.Providers.Testing;

namespace HostFactory.Hosting.Tests;

/// <summary>
/// docs/embedding.md's example, run as a reader would: a new console project in a temporary directory (outside the
/// repository, so none of its build settings apply), made by the guide's own commands, its <c>csproj</c> lines and its
/// <c>Program.cs</c> taken from the page word for word, then <c>dotnet run</c>. The project references this
/// repository's projects by path, and its one package comes from the NuGet source the machine uses (the local mirror
/// or cache), so the test needs no network beyond what building the repository needs.
/// </summary>
public sealed partial class EmbeddingGuideTests : IDisposable
{
    private const string CloneMarker = "/path/to/HostFactory";
    private static readonly TimeSpan StepDeadline = TimeSpan.FromMinutes(5);

    private readonly TempDirectory _directory = new();

    private string Project => Path.Combine(_directory.Path, "MyHost");

    [Fact]
    public async Task Guide_WhenFollowedFromANewConsoleProject_BuildsAndRunsAFullCycle()
    {
        var guide = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "embedding.md"));
        var section = guide[guide.IndexOf("## A generic host, a full cycle", StringComparison.Ordinal)..];
        var commands = Block(section, "sh").Replace(CloneMarker, RepositoryRoot(), StringComparison.Ordinal);
        var projectLines = Block(section, "xml");
        var program = Block(section, "csharp");

        var setUp = await RunAsync(_directory.Path, "/bin/sh", "-c", "set -e\n" + commands);
        setUp.ExitCode.Should().Be(0, setUp.Output);
        var projectFile = Path.Combine(Project, "MyHost.csproj");
        var csproj = await File.ReadAllTextAsync(projectFile);
        await File.WriteAllTextAsync(projectFile, csproj.Replace("</Project>", projectLines + "\n</Project>", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(Project, "Program.cs"), program);

        var run = await RunAsync(Project, "dotnet", "run");

        run.ExitCode.Should().Be(0, run.Output);
        var acquire = AcquireLine().Match(run.Output);
        acquire.Success.Should().BeTrue($"the acquire request completes: {run.Output}");
        MachineLine().Matches(run.Output).Should().HaveCount(2, "two machines succeed and run");
        ReturnLine().IsMatch(run.Output).Should().BeTrue($"the return request completes: {run.Output}");
        LiveMachines().Should().BeEmpty("the example returns every machine it made");
    }

    public void Dispose()
    {
        // A failed run must not leave machine processes behind.
        foreach (var pid in LiveMachines())
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
            {
                // Exited in between.
            }
        }

        _directory.Dispose();
    }

    [GeneratedRegex(@"^req-[0-9a-f-]{36}: complete$", RegexOptions.Multiline)]
    private static partial Regex AcquireLine();

    [GeneratedRegex(@"^  \S+ succeed running$", RegexOptions.Multiline)]
    private static partial Regex MachineLine();

    [GeneratedRegex(@"^ret-[0-9a-f-]{36}: complete$", RegexOptions.Multiline)]
    private static partial Regex ReturnLine();

    /// <summary>The first fenced block of <paramref name="language"/> in <paramref name="markdown"/>, without its fences.</summary>
    private static string Block(string markdown, string language)
    {
        var open = $"```{language}\n";
        var start = markdown.IndexOf(open, StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, $"the guide has a {language} block");
        start += open.Length;
        return markdown[start..markdown.IndexOf("```", start, StringComparison.Ordinal)];
    }

    /// <summary>The machine processes the run's local-process provider started that still live (their stdout is a file of their machine folder).</summary>
    private List<int> LiveMachines()
    {
        var machines = Path.Combine(Project, "bin", "Debug", "net10.0", ".work", "providers", "local", "machines");
        if (!Directory.Exists(machines))
        {
            return [];
        }

        var live = new List<int>();
        foreach (var pidFile in Directory.EnumerateFiles(machines, "pid", SearchOption.AllDirectories))
        {
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid)
                && new FileInfo($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/fd/1").LinkTarget is { } stdout
                && stdout.StartsWith(Path.GetDirectoryName(pidFile)!, StringComparison.Ordinal))
            {
                live.Add(pid);
            }
        }

        return live;
    }

    /// <summary>Runs a program to its end (killed with its tree past <see cref="StepDeadline"/>); stdout and stderr together.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string directory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "HF_PROVIDER_NAME", "HF_PROVIDER_CONFDIR", "HF_PROVIDER_WORKDIR", "HF_PROVIDER_LOGDIR" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(StepDeadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"{program} {string.Join(' ', arguments)} did not finish within {StepDeadline}.\n{await output}\n{await error}");
        }

        return (process.ExitCode, $"{await output}\n{await error}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HostFactory.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (HostFactory.sln) above {AppContext.BaseDirectory}.");
    }
}
