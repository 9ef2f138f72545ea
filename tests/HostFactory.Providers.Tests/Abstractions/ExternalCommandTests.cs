using System.Diagnostics;
using System.Globalization;
using HostFactory.Providers.Abstractions;
using HostFactory.Providers.Testing;

namespace HostFactory.Providers.Tests.Abstractions;

public sealed class ExternalCommandTests
{
    [Fact]
    public async Task RunAsync_WhenTheProgramSucceeds_ReturnsItsOutputAndExitCode()
    {
        var result = await ExternalCommand.RunAsync(["/bin/sh", "-c", "cat; echo oops >&2; exit 3"], "from stdin", TimeSpan.FromSeconds(10), CancellationToken.None);

        result.ExitCode.Should().Be(3);
        result.StandardOutput.Should().Be("from stdin");
        result.StandardErrorTail().Should().Be("oops");
    }

    [Fact]
    public async Task RunAsync_WhenArgumentsHoldSpacesAndQuotes_PassesThemUnchanged()
    {
        var result = await ExternalCommand.RunAsync(["/bin/sh", "-c", "printf '%s|' \"$@\"", "sh", "a b", "it's", "$HOME"], null, TimeSpan.FromSeconds(10), CancellationToken.None);

        result.StandardOutput.Should().Be("a b|it's|$HOME|");
    }

    [Fact]
    public async Task RunAsync_WhenEnvironmentAndDirectoryAreGiven_TheProgramSeesThem()
    {
        var directory = Path.GetTempPath().TrimEnd('/');

        var result = await ExternalCommand.RunAsync(["/bin/sh", "-c", "echo \"$GREETING $(pwd)\""], null, TimeSpan.FromSeconds(10), CancellationToken.None, directory, new Dictionary<string, string> { ["GREETING"] = "hello" });

        result.StandardOutput.Trim().Should().Be($"hello {directory}");
    }

    [Fact]
    public async Task RunAsync_WhenTheProgramOutlivesTheTimeout_KillsItsWholeTree()
    {
        using var directory = new TempDirectory();
        var pidFile = Path.Combine(directory.Path, "child.pid");

        var act = () => ExternalCommand.RunAsync(["/bin/sh", "-c", $"sleep 60 & echo $! > {pidFile}; wait"], null, TimeSpan.FromSeconds(1), CancellationToken.None);

        (await act.Should().ThrowAsync<TimeoutException>()).WithMessage("'/bin/sh' did not finish within 1 s; its process tree was killed.");
        var child = int.Parse(await File.ReadAllTextAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (ProcessIsRunning(child) && DateTime.UtcNow < deadline)
        {
            // SIGKILL is sent; the kernel ends the process (and init reaps it) in its own time.
            await Task.Delay(20);
        }

        ProcessIsRunning(child).Should().BeFalse("the grandchild is part of the killed tree");
    }

    [Fact]
    public async Task RunAsync_WhenADaemonKeepsStdoutOpen_ReturnsWithoutWaitingForTheDaemon()
    {
        using var directory = new TempDirectory();
        var pidFile = Path.Combine(directory.Path, "daemon.pid");
        try
        {
            // The daemon lives until this test kills it, so returning while it runs is the proof that RunAsync did not
            // wait for the stdout it holds. The deadline only turns a hang into a failure; it measures nothing.
            var result = await ExternalCommand.RunAsync(["/bin/sh", "-c", $"sleep 3600 & echo $! > {pidFile}; echo $!"], null, TimeSpan.FromSeconds(20), CancellationToken.None)
                .WaitAsync(TimeSpan.FromMinutes(2));

            result.ExitCode.Should().Be(0);
            ProcessIsRunning(int.Parse(result.StandardOutput.Trim(), CultureInfo.InvariantCulture)).Should().BeTrue("the daemon still holds the program's stdout");
        }
        finally
        {
            if (File.Exists(pidFile) && int.TryParse(await File.ReadAllTextAsync(pidFile), CultureInfo.InvariantCulture, out var pid) && ProcessIsRunning(pid))
            {
                using var daemon = Process.GetProcessById(pid);
                daemon.Kill();
            }
        }
    }

    [Fact]
    public async Task RunAsync_WhenTheProgramDoesNotExist_ThrowsNamingIt()
    {
        var act = () => ExternalCommand.RunAsync(["/no/such/program"], null, TimeSpan.FromSeconds(5), CancellationToken.None);

        (await act.Should().ThrowAsync<MachineProviderException>()).WithMessage("Could not start '/no/such/program': *");
    }

    [Fact]
    public async Task RunAsync_WhenCancelled_ThrowsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var act = () => ExternalCommand.RunAsync(["/bin/sleep", "30"], null, TimeSpan.FromSeconds(30), cancellation.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task RunAsync_WhenTheProgramFloodsStdoutWithAGibibyte_StopsItWithAClearErrorAndBoundedMemory()
    {
        var totalBefore = GC.GetTotalAllocatedBytes(precise: true);

        var act = () => ExternalCommand.RunAsync(["/bin/sh", "-c", "head -c 1073741824 /dev/zero | tr '\\0' x; echo done >&2"], null, TimeSpan.FromMinutes(2), CancellationToken.None);

        (await act.Should().ThrowAsync<MachineProviderException>()).WithMessage(
            $"'/bin/sh' wrote more than {ExternalCommand.DefaultMaxOutputChars} characters to stdout, the most a command may answer; it was stopped and its output dropped.*");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;
        allocated.Should().BeLessThan(512L * 1024 * 1024, "at most 16 Mi characters are held (32 MB), never the gibibyte (2 GB as characters)");
    }

    [Fact]
    public async Task RunAsync_WhenTheProgramWritesAGibibyteToStderr_KeepsOnlyTheTailAndReturnsItsAnswer()
    {
        var result = await ExternalCommand.RunAsync(
            ["/bin/sh", "-c", "head -c 1073741824 /dev/zero | tr '\\0' x >&2; echo ' the end' >&2; echo answer"], null, TimeSpan.FromMinutes(2), CancellationToken.None);

        result.ExitCode.Should().Be(0);
        result.StandardOutput.Should().Be("answer\n");
        result.StandardError.Should().StartWith("[earlier output dropped] ").And.EndWith("x the end\n");
        result.StandardError.Length.Should().Be("[earlier output dropped] ".Length + ExternalCommand.KeptStandardErrorChars);
    }

    [Fact]
    public async Task RunAsync_WhenStdoutPassesAGivenLimitAndTheProgramExits_FailsRatherThanCutTheAnswer()
    {
        var act = () => ExternalCommand.RunAsync(["/bin/sh", "-c", "printf 0123456789"], null, TimeSpan.FromSeconds(30), CancellationToken.None, maxOutputChars: 4);

        (await act.Should().ThrowAsync<MachineProviderException>()).WithMessage("'/bin/sh' wrote more than 4 characters to stdout*");
    }

    [Fact]
    public async Task RunAsync_WhenStdoutIsExactlyAtTheLimit_ReturnsIt()
    {
        var result = await ExternalCommand.RunAsync(["/bin/sh", "-c", "printf 0123"], null, TimeSpan.FromSeconds(30), CancellationToken.None, maxOutputChars: 4);

        result.StandardOutput.Should().Be("0123");
    }

    private static bool ProcessIsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        var text = File.ReadAllText(stat);
        var state = text[(text.LastIndexOf(')') + 2)..][0];
        return state is not ('Z' or 'X');
    }
}
