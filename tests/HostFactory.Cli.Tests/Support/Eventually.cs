using FluentAssertions;

namespace HostFactory.Cli.Tests.Support;

/// <summary>Waits for something another process does, against a deadline rather than a fixed sleep.</summary>
internal static class Eventually
{
    /// <summary>How long a test waits for another process before it fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> every 100 ms; fails with <paramref name="because"/> once <see cref="Patience"/> has passed.</summary>
    public static async Task UntilAsync(Func<bool> condition, string because)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, because);
            await Task.Delay(100);
        }
    }
}
