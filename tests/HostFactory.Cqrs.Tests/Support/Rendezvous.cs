namespace HostFactory.Cqrs.Tests.Support;

/// <summary>
/// Lets through only when <paramref name="expected"/> parties have arrived, so handlers that all pass it must have run
/// at the same time. Gives up with <see cref="TimeoutException"/> after <paramref name="timeout"/>, so a test whose
/// handlers run one after another fails instead of hanging.
/// </summary>
public sealed class Rendezvous(int expected, TimeSpan timeout)
{
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public Task ArriveAndWaitAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _arrived) == expected)
        {
            _allArrived.TrySetResult();
        }

        return _allArrived.Task.WaitAsync(timeout, cancellationToken);
    }
}
