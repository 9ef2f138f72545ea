using HostFactory.Domain.Providers;
using HostFactory.Domain.Requests;
using HostFactory.Providers.Abstractions;
using HostFactory.Providers.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace HostFactory.Providers.Tests.Abstractions;

public sealed class ProvisionKeyLockTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private ProviderContext Context => new("cloud", "exec", Path.Combine(_directory.Path, "state"), NullLoggerFactory.Instance, TimeProvider.System);

    [Fact]
    public async Task AcquireAsync_WhileAnotherCallHoldsTheKey_WaitsUntilItIsReleased()
    {
        var key = new ProvisionKey(RequestId.NewAcquire(), 0);
        var first = await ProvisionKeyLock.AcquireAsync(Context, key, CancellationToken.None);

        var second = ProvisionKeyLock.AcquireAsync(Context, key, CancellationToken.None);
        ProvisionKeyLock.TryAcquire(Context, key).Should().BeNull("the first call holds the key");
        second.IsCompleted.Should().BeFalse();

        first.Dispose();
        using var held = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Directory.GetFiles(Path.Combine(Context.StateDirectory, "locks")).Should().ContainSingle("the lock is one file of the state directory");
    }

    [Fact]
    public async Task AcquireAsync_WhenCancelledWhileWaiting_ThrowsAndLeavesTheHolderAlone()
    {
        var key = new ProvisionKey(RequestId.NewAcquire(), 1);
        using var first = await ProvisionKeyLock.AcquireAsync(Context, key, CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var waiting = () => ProvisionKeyLock.AcquireAsync(Context, key, cancel.Token);

        await waiting.Should().ThrowAsync<OperationCanceledException>();
        ProvisionKeyLock.TryAcquire(Context, key).Should().BeNull();
    }

    [Fact]
    public void TryAcquire_WhenTheKeyIsFree_HoldsItUntilDisposed()
    {
        var key = new ProvisionKey(RequestId.NewAcquire(), 0);

        using (var held = ProvisionKeyLock.TryAcquire(Context, key))
        {
            held.Should().NotBeNull();
        }

        using var again = ProvisionKeyLock.TryAcquire(Context, key);
        again.Should().NotBeNull("the first holder let it go");
    }

    [Fact]
    public void TryAcquire_WhenTheKeyIsDefault_SaysSo()
    {
        var act = () => ProvisionKeyLock.TryAcquire(Context, default);

        act.Should().Throw<ArgumentException>().WithMessage("The provision key is empty (default).*");
    }
}
