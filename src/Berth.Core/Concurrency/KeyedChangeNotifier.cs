using System.Collections.Concurrent;

namespace Berth.Core.Concurrency;

/// <summary>
/// A <see cref="ChangeNotifier"/> per key (an ordinal string, such as a container instance ARN), so a change to one key
/// wakes only its waiters. The same rule holds: take <see cref="Changed"/> before reading the state, then wait.
/// </summary>
/// <remarks>
/// A key keeps its notifier once it has been waited on, until <see cref="Forget"/>: the keys are few and long-lived (one
/// per container instance), and dropping a notifier silently while a waiter holds its task would lose that waiter's wake-up.
/// </remarks>
public class KeyedChangeNotifier
{
    private readonly ConcurrentDictionary<string, ChangeNotifier> _notifiers = new(StringComparer.Ordinal);

    /// <summary>Completes at the next <see cref="Notify"/> of <paramref name="key"/> after it was taken.</summary>
    public Task Changed(string key) => _notifiers.GetOrAdd(key, static _ => new ChangeNotifier()).Changed;

    /// <summary>
    /// Drops <paramref name="key"/>'s notifier once the key is gone for good (a container instance that is not
    /// registered), so waiting on keys that never come back does not grow the map without end. Its waiters are released
    /// rather than stranded: they re-read and find the key gone themselves.
    /// </summary>
    public void Forget(string key)
    {
        if (_notifiers.TryRemove(key, out var notifier))
        {
            notifier.Notify();
        }
    }

    /// <summary>How many keys hold a notifier.</summary>
    internal int KeyCount => _notifiers.Count;

    /// <summary>Releases the waiters of <paramref name="key"/>; with none, there is nothing to wake.</summary>
    public void Notify(string key)
    {
        if (_notifiers.TryGetValue(key, out var notifier))
        {
            notifier.Notify();
        }
    }
}
