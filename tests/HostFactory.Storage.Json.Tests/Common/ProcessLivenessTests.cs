using System.Diagnostics;
using HostFactory.Common;

namespace HostFactory.Storage.Json.Tests.Common;

/// <summary>The shared liveness check (src/Common/ProcessLiveness.cs, seen here through the JSON store's copy), on real processes.</summary>
public sealed class ProcessLivenessTests
{
    [Fact]
    public void IsAlive_WhenGivenThisProcessAndItsStartTime_IsTrue()
    {
        ProcessLiveness.TryReadStat(Environment.ProcessId, out var stat).Should().BeTrue();

        ProcessLiveness.IsAlive(Environment.ProcessId, stat.StartTime).Should().BeTrue();
        ProcessLiveness.IsAlive(Environment.ProcessId).Should().BeTrue();
    }

    [Fact]
    public void IsAlive_WhenTheStartTimeIsAnotherProcesssOne_IsFalse()
    {
        ProcessLiveness.TryReadStat(Environment.ProcessId, out var stat).Should().BeTrue();

        ProcessLiveness.IsAlive(Environment.ProcessId, stat.StartTime + 1).Should().BeFalse("a reused pid is another process");
    }

    [Fact]
    public async Task IsAlive_WhenTheProcessHasExited_IsFalse()
    {
        using var child = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exit 0"]))!;
        var pid = child.Id;
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        ProcessLiveness.IsAlive(pid).Should().BeFalse();
        ProcessLiveness.TryReadStat(pid, out _).Should().BeFalse();
    }

    [Fact]
    public async Task IsAlive_WhenAChildRuns_IsTrueUntilItIsKilled()
    {
        using var child = Process.Start(new ProcessStartInfo("/bin/sleep", ["600"]))!;
        try
        {
            ProcessLiveness.TryReadStat(child.Id, out var stat).Should().BeTrue();
            ProcessLiveness.IsAlive(child.Id, stat.StartTime).Should().BeTrue();

            child.Kill();
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            ProcessLiveness.IsAlive(child.Id, stat.StartTime).Should().BeFalse();
        }
        finally
        {
            child.Kill();
        }
    }
}
