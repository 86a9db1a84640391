using System.Collections.Concurrent;

namespace Berth.Api.Agent;

/// <summary>
/// Wakes agent long-polls in this process when their instance's assignments change, so a task placed here
/// reaches its agent at once. Polls also re-read the store every second, which covers changes committed by
/// another server process.
/// </summary>
public sealed class AssignmentSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    public void Notify(string containerInstanceArn)
    {
        if (_waiters.TryRemove(containerInstanceArn, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>Completes when <see cref="Notify"/> is called for the instance, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(string containerInstanceArn, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = _waiters.GetOrAdd(containerInstanceArn, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await waiter.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nothing changed here; the caller re-reads the store anyway.
        }
    }
}
