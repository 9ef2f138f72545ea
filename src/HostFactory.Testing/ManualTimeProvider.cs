namespace HostFactory.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> that moves only when told to: <see cref="Advance"/> or <see cref="SetUtcNow"/>. Timers
/// created from it (and so <c>Task.Delay(delay, provider)</c>) fire when the clock is moved past their due time, on the
/// thread that moved it. Thread-safe. The local time zone is UTC.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    /// <summary>The start used when none is given: 2025-01-01 08:00:00 UTC.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2025, 1, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly DateTimeOffset _start;
    private DateTimeOffset _now;

    /// <summary>Creates the clock at <paramref name="start"/>, or <see cref="DefaultStart"/>.</summary>
    /// <param name="start">The first time the clock tells.</param>
    public ManualTimeProvider(DateTimeOffset? start = null)
    {
        _start = _now = (start ?? DefaultStart).ToUniversalTime();
    }

    /// <summary>UTC: tests see the same times on every machine.</summary>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>One tick per timestamp unit.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>The current time.</summary>
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    /// <summary>Ticks elapsed since the clock was created, so elapsed-time measurements follow the manual time.</summary>
    public override long GetTimestamp() => (GetUtcNow() - _start).Ticks;

    /// <summary>Moves the clock forward and fires every timer that falls due, in due order.</summary>
    /// <param name="by">How far; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="by"/> is negative.</exception>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + by;
        }

        MoveTo(target);
    }

    /// <summary>Sets the clock to <paramref name="value"/> and fires every timer that falls due.</summary>
    /// <param name="value">The new time; not earlier than now (time does not run backwards for the code under test).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is earlier than the current time.</exception>
    public void SetUtcNow(DateTimeOffset value)
    {
        var now = GetUtcNow();
        if (value < now)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"The clock cannot go back from {now:O}.");
        }

        MoveTo(value.ToUniversalTime());
    }

    /// <summary>A timer driven by this clock.</summary>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void MoveTo(DateTimeOffset target)
    {
        while (true)
        {
            ManualTimer? due;
            lock (_lock)
            {
                due = _timers.Where(t => t.DueAt <= target).MinBy(t => t.DueAt);
                if (due is null)
                {
                    _now = target;
                    return;
                }

                // Time stands at the timer's due time while its callback runs, as it would for a real timer.
                if (due.DueAt > _now)
                {
                    _now = due.DueAt!.Value;
                }

                due.Reschedule();
            }

            // Outside the lock: a callback may read the clock or change timers.
            due.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset? DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                _period = period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
                if (DueAt is not null)
                {
                    owner._timers.Add(this);
                }
            }

            return true;
        }

        /// <summary>Called under the owner's lock when the timer fires: schedules the next period, or removes it.</summary>
        public void Reschedule()
        {
            owner._timers.Remove(this);
            if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
            {
                DueAt += _period;
                owner._timers.Add(this);
            }
            else
            {
                DueAt = null;
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                DueAt = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
