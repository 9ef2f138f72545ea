using System.Diagnostics;

namespace HostFactory.Cli.Tests.Support;

/// <summary>
/// hostfactory-native, published for real (<c>dotnet publish src/HostFactory.Cli -p:HostFactoryNative=true</c>, Native
/// AOT, a minute or two) and put into a copy of this test project's output, beside the hostfactory and front end
/// built there: an installation as the CLI's publish lays it out. Published once for the test class; deleted with it.
/// Test projects that run at once (this file is linked into more than one) publish one after the other, under a lock
/// file beside the native build's intermediate folder: the second publish finds the first's output up to date.
/// </summary>
public sealed class NativeBuild : IAsyncLifetime
{
    private static readonly TimeSpan PublishDeadline = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(500);

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"hf-native-{Guid.NewGuid():N}"[..20]);

    /// <summary>
    /// Why the native build cannot be published here, or null when it can: it links with a C compiler, which the Native
    /// AOT compiler looks for as <c>clang</c>, else <c>gcc</c>, on PATH. Under <c>CI=true</c> it always runs: CI must
    /// never skip it silently.
    /// </summary>
    public static string? SkipReason =>
        !OnPath("clang") && !OnPath("gcc") && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? "No C compiler (clang or gcc) on PATH: publishing the Native AOT build links with one (docs/host-factory.md; .ci/run installs clang)."
            : null;

    /// <summary>The installation: hostfactory, hostfactory-frontend, hostfactory-native, providers/, config/.</summary>
    public string Directory => Path.Combine(_root, "install");

    /// <summary>The native build in <see cref="Directory"/>.</summary>
    public string Native => Path.Combine(Directory, "hostfactory-native");

    /// <summary>The front end in <see cref="Directory"/>.</summary>
    public string FrontEnd => Path.Combine(Directory, "hostfactory-frontend");

    /// <summary>The plugin-capable build's apphost in <see cref="Directory"/>.</summary>
    public string Full => Path.Combine(Directory, "hostfactory");

    public async Task InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }

        var publish = Path.Combine(_root, "publish");
        await PublishAsync(publish);
        CopyDirectory(CliProcess.InstallationDirectory, Directory);
        File.Copy(Path.Combine(publish, "hostfactory"), Native);
        System.IO.Directory.Delete(publish, recursive: true);
    }

    public Task DisposeAsync()
    {
        if (System.IO.Directory.Exists(_root))
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static async Task PublishAsync(string output)
    {
        var project = Path.Combine(RepositoryRoot(), "src", "HostFactory.Cli");
        using var publishing = await TakePublishLockAsync(Path.Combine(project, "obj", "native-publish.lock"));
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // No build server may outlive the test (a compiler server, MSBuild nodes).
        foreach (var argument in new[] { "publish", project, "-c", "Release", "-r", "linux-x64", "-p:HostFactoryNative=true", "-o", output, "--disable-build-servers", "-nologo" })
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild settings are not the publish's.
        foreach (var name in start.Environment.Keys.Where(static n => n.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || n.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(PublishDeadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"dotnet publish of the native build ran past {PublishDeadline}.");
        }

        process.ExitCode.Should().Be(0, $"dotnet publish of the native build failed:\n{await stdout}\n{await stderr}");
    }

    /// <summary>The lock file, held exclusively (on Linux, <see cref="FileShare.None"/> is an <c>flock</c>); waits while another process holds it.</summary>
    private static async Task<FileStream> TakePublishLockAsync(string path)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow + PublishDeadline;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(LockPollInterval);
            }
        }
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

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in System.IO.Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            System.IO.Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
}

/// <summary>A fact that needs the native build: reported skipped, with the reason, where it cannot be published.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NativeBuildFactAttribute : FactAttribute
{
    public NativeBuildFactAttribute() => Skip = NativeBuild.SkipReason;
}

/// <summary>A theory that needs the native build: reported skipped, with the reason, where it cannot be published.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NativeBuildTheoryAttribute : TheoryAttribute
{
    public NativeBuildTheoryAttribute() => Skip = NativeBuild.SkipReason;
}
