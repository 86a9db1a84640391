namespace Berth.Core.Concurrency;

/// <summary>
/// Wakes whoever waits when something changed. A waiter takes <see cref="Changed"/> BEFORE it reads the state it waits
/// on, then reads, then awaits the task: a <see cref="Notify"/> that lands between the read and the await has already
/// completed the task it holds, so no change is ever missed. Safe for any number of notifiers and waiters at once.
/// </summary>
/// <remarks>
/// It lives in Berth.Core, the one project that every user references (the event log in Berth.Store, the handlers in
/// Berth.Api, the controllers in Berth.Server): it is a synchronization primitive, no I/O, so the core stays pure. It
/// is not sealed so that each use can be a type of its own with a name that says what changed (<c>ServiceSignal</c>,
/// <c>ElbChanges</c>), which is also how dependency injection tells them apart.
/// </remarks>
public class ChangeNotifier
{
    private TaskCompletionSource _next = NewWaiter();

    /// <summary>Completes at the next <see cref="Notify"/> after it was taken; never faults or cancels.</summary>
    public Task Changed => Volatile.Read(ref _next).Task;

    /// <summary>Releases every waiter holding the current task; later waiters get a fresh one.</summary>
    /// <remarks>Virtual so that <see cref="SubjectNotifier"/> can record that anything may have changed before it wakes.</remarks>
    public virtual void Notify() => Interlocked.Exchange(ref _next, NewWaiter()).TrySetResult();

    /// <summary>
    /// Waits for <paramref name="changed"/> (a <see cref="Changed"/> taken earlier) at most <paramref name="timeout"/>:
    /// true when it completed, false when the timeout passed first, which callers treat as "re-read anyway" (a change
    /// made by another server process, or a periodic round). Cancellation throws, as any wait does.
    /// </summary>
    public static async Task<bool> ChangedWithinAsync(Task changed, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (changed.IsCompleted)
        {
            return true;
        }
        // The timeout is the usual end of an idle round, so it is awaited rather than thrown: an idle server would
        // otherwise throw and catch a TimeoutException every second in each loop that waits here.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, stop.Token);
        if (await Task.WhenAny(changed, delay).ConfigureAwait(false) == changed)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            return true;
        }
        await delay.ConfigureAwait(false); // throws when the wait itself was cancelled
        return false;
    }

    // Continuations run on the thread pool, not inside Notify, so a notifier (often mid-request) never runs a waiter's loop.
    private static TaskCompletionSource NewWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
