namespace Berth.Api.Elb;

/// <summary>
/// Wakes the load balancer data plane when an ELBv2 write committed in this process, so a new listener
/// or target takes traffic at once; the data plane also re-reads the store periodically, which covers
/// changes committed by another server process.
/// </summary>
public sealed class ElbChanges
{
    private TaskCompletionSource _changed = NewSource();

    public void Notify() => Interlocked.Exchange(ref _changed, NewSource()).TrySetResult();

    /// <summary>Completes at the next <see cref="Notify"/>, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _changed).Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nothing changed here; the caller re-reads the store anyway.
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
