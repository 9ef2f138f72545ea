namespace HostFactory.Testing.Tests;

public sealed class ManualTimeProviderTests
{
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public void Advance_WhenCalled_MovesNowAndTimestamps()
    {
        var started = _clock.GetTimestamp();

        _clock.Advance(TimeSpan.FromMinutes(5));

        _clock.GetUtcNow().Should().Be(ManualTimeProvider.DefaultStart.AddMinutes(5));
        _clock.GetElapsedTime(started).Should().Be(TimeSpan.FromMinutes(5));
    }

    [Fact]
    public void SetUtcNow_WhenEarlier_ThrowsAndKeepsTheTime()
    {
        _clock.SetUtcNow(ManualTimeProvider.DefaultStart.AddHours(1));

        FluentActions.Invoking(() => _clock.SetUtcNow(ManualTimeProvider.DefaultStart)).Should().Throw<ArgumentOutOfRangeException>();
        _clock.GetUtcNow().Should().Be(ManualTimeProvider.DefaultStart.AddHours(1));
        FluentActions.Invoking(() => _clock.Advance(TimeSpan.FromTicks(-1))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task Delay_WhenClockPassesTheDueTime_Completes()
    {
        var delay = Task.Delay(TimeSpan.FromSeconds(10), _clock);

        _clock.Advance(TimeSpan.FromSeconds(9));
        delay.IsCompleted.Should().BeFalse();
        _clock.Advance(TimeSpan.FromSeconds(1));

        await delay.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void CreateTimer_WhenPeriodic_FiresOncePerPeriodAtItsDueTimeUntilDisposed()
    {
        var fired = new List<DateTimeOffset>();
        var timer = _clock.CreateTimer(_ => fired.Add(_clock.GetUtcNow()), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        _clock.Advance(TimeSpan.FromSeconds(6));
        timer.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(10));

        fired.Should().Equal(
            ManualTimeProvider.DefaultStart.AddSeconds(1), ManualTimeProvider.DefaultStart.AddSeconds(3), ManualTimeProvider.DefaultStart.AddSeconds(5));
        _clock.GetUtcNow().Should().Be(ManualTimeProvider.DefaultStart.AddSeconds(16));
    }

    [Fact]
    public void Change_WhenInfinite_StopsTheTimer()
    {
        var fired = 0;
        var timer = _clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _clock.Advance(TimeSpan.FromMinutes(1));

        fired.Should().Be(0);
    }
}
