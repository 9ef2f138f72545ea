using HostFactory.Common;

namespace HostFactory.Storage.Json.Tests.Common;

/// <summary>
/// The shared lock-file helper (src/Common/FileLock.cs, seen here through the JSON store's copy). Two opens of one file
/// are two open file descriptions, so they contend for its <c>flock</c> as two processes do.
/// </summary>
public sealed class FileLockTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void TryAcquire_WhenTheLockIsFree_CreatesTheFileAndHoldsIt()
    {
        var path = _directory.Combine("a.lock");

        using var held = FileLock.TryAcquire(path);

        held.Should().NotBeNull();
        File.Exists(path).Should().BeTrue();
        FileLock.IsHeld(path).Should().BeTrue();
    }

    [Fact]
    public void TryAcquire_WhenAnotherHoldsTheLock_ReturnsNull()
    {
        var path = _directory.Combine("a.lock");
        using var first = FileLock.TryAcquire(path);

        using var second = FileLock.TryAcquire(path);

        second.Should().BeNull();
    }

    [Fact]
    public void TryAcquire_WhenTheDirectoryIsMissing_ThrowsRatherThanCallingItHeld()
    {
        var act = () => FileLock.TryAcquire(_directory.Combine("missing", "a.lock"));

        act.Should().Throw<DirectoryNotFoundException>();
    }

    [Fact]
    public async Task AcquireAsync_WhenTheHolderKeepsItPastTheTimeout_ReturnsNull()
    {
        var path = _directory.Combine("a.lock");
        using var first = FileLock.TryAcquire(path);

        using var second = await FileLock.AcquireAsync(path, TimeSpan.FromMilliseconds(50), CancellationToken.None).AsTask().WaitAsync(Deadline);

        second.Should().BeNull();
    }

    [Fact]
    public async Task AcquireAsync_WhenTheHolderLetsGoWhileItWaits_TakesTheLock()
    {
        var path = _directory.Combine("a.lock");
        var first = FileLock.TryAcquire(path)!;
        var waiting = FileLock.AcquireAsync(path, Timeout.InfiniteTimeSpan, CancellationToken.None).AsTask();

        first.Dispose();
        using var second = await waiting.WaitAsync(Deadline);

        second.Should().NotBeNull();
    }

    [Fact]
    public async Task AcquireAsync_WhenCancelledWhileWaiting_ThrowsOperationCanceled()
    {
        var path = _directory.Combine("a.lock");
        using var first = FileLock.TryAcquire(path);
        using var cancellation = new CancellationTokenSource();
        var waiting = FileLock.AcquireAsync(path, Timeout.InfiniteTimeSpan, cancellation.Token).AsTask();

        await cancellation.CancelAsync();
        var act = () => waiting.WaitAsync(Deadline);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void IsHeld_WhenTheFileIsMissing_IsFalseAndCreatesNothing()
    {
        var path = _directory.Combine("a.lock");

        FileLock.IsHeld(path).Should().BeFalse();
        FileLock.IsHeld(_directory.Combine("missing", "a.lock")).Should().BeFalse();

        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public void IsHeld_WhenTheFileExistsButNoOneHoldsIt_IsFalseAndLeavesItFree()
    {
        var path = _directory.Combine("a.lock");
        FileLock.TryAcquire(path)!.Dispose();

        FileLock.IsHeld(path).Should().BeFalse();

        using var held = FileLock.TryAcquire(path);
        held.Should().NotBeNull("the probe let the lock go");
    }
}
