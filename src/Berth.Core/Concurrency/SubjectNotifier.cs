namespace Berth.Core.Concurrency;

/// <summary>
/// A <see cref="ChangeNotifier"/> whose notifiers may say what changed: <see cref="Notify(string)"/> names a subject (a
/// service's or daemon's ARN), <see cref="Notify()"/> says that anything may have changed. A reader (a scheduler) follows
/// it with <see cref="ChangeMarks"/> and, once woken, takes the subjects named since its last take, so its round costs
/// what changed instead of every subject. Each reader keeps its own marks: two schedulers woken by one notifier never
/// take each other's.
/// </summary>
/// <remarks>
/// A subject is marked before the waiters are released, so a reader that takes <see cref="ChangeNotifier.Changed"/> and
/// then <see cref="ChangeMarks.Take"/> never misses one: a mark that lands after the take completes the task it holds,
/// and its next take has it.
/// </remarks>
public class SubjectNotifier : ChangeNotifier
{
    private readonly Lock _gate = new();
    private ChangeMarks[] _readers = [];

    /// <summary>Marks <paramref name="subject"/> changed for every reader, then wakes them.</summary>
    public void Notify(string subject)
    {
        foreach (var reader in Volatile.Read(ref _readers))
        {
            reader.Mark(subject);
        }
        base.Notify();
    }

    /// <summary>Marks everything changed for every reader (the next take of each is <see cref="MarkedSubjects.All"/>), then wakes them.</summary>
    public override void Notify()
    {
        foreach (var reader in Volatile.Read(ref _readers))
        {
            reader.MarkAll();
        }
        base.Notify();
    }

    internal void Add(ChangeMarks reader)
    {
        lock (_gate)
        {
            _readers = [.. _readers, reader];
        }
    }

    internal void Remove(ChangeMarks reader)
    {
        lock (_gate)
        {
            _readers = [.. _readers.Where(r => !ReferenceEquals(r, reader))];
        }
    }
}
