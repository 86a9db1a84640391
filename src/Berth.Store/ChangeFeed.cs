namespace Berth.Store;

/// <summary>
/// The records this server's commits changed, in commit order, for the caches of the store's records that are read on
/// every placement and scheduling round (<see cref="QueryReadCache{T}"/>, the placement views): they read only what
/// moved since their last read instead of listing a whole cluster's records each time. <see cref="ChangeFeedStateStore"/>
/// publishes every commit made through it. Commits of other servers (on a shared PostgreSQL) are not here: a follower
/// lists the store again once its last listing is <see cref="ListingInterval"/> old, which bounds how late it sees them.
/// </summary>
/// <remarks>
/// Each commit takes a number as it starts (<see cref="Begin"/>) and publishes when it ends (<see cref="End"/>), and a
/// commit becomes visible only once every commit numbered before it ended (<see cref="Position"/>), so changes are read
/// in the order their commits started. That order is the one that matters: a commit that depends on another's outcome
/// read it after that one's end, so it began after that one began. A commit whose outcome is unknown (the store failed
/// mid-commit, or it was cancelled) tells every follower behind it to list again, as does a follower falling further
/// behind than the feed keeps (<see cref="Retained"/> changes of each kind).
/// Only kinds someone follows (<see cref="Follow"/>) are kept.
/// </remarks>
public sealed class ChangeFeed
{
    /// <summary>How old a follower's last listing may get before it lists again, to see other servers' commits.</summary>
    public static readonly TimeSpan ListingInterval = TimeSpan.FromSeconds(1);

    /// <summary>Changes kept of each kind: seconds of this server's commits at thousands of changes a second.</summary>
    private const int Retained = 16_384;

    private readonly Lock _lock = new();

    private readonly Dictionary<string, KindLog> _kinds = new(StringComparer.Ordinal);

    /// <summary>Commits that ended while one numbered before them still ran, by number.</summary>
    private readonly Dictionary<long, IReadOnlyList<RecordWrite>?> _ended = [];

    /// <summary>Called as each commit ends (<see cref="OnEnd"/>); replaced, never changed, so <see cref="End"/> reads it without the lock.</summary>
    private Action<IReadOnlyList<RecordWrite>?>[] _observers = [];

    private long _begun;

    private long _position;

    /// <summary>Every commit numbered up to this one has ended and is published.</summary>
    public long Position
    {
        get
        {
            lock (_lock)
            {
                return _position;
            }
        }
    }

    /// <summary>Keeps the changes of <paramref name="kind"/> from now on (idempotent).</summary>
    public void Follow(string kind)
    {
        lock (_lock)
        {
            _kinds.TryAdd(kind, new KindLog());
        }
    }

    /// <summary>
    /// The changes to records of <paramref name="kind"/> (followed) made by the commits after <paramref name="after"/> up to
    /// <paramref name="through"/> (a <see cref="Position"/>), in commit order; null when some of them are not known (a
    /// commit's outcome unknown, or dropped as too old): the caller must list the store instead.
    /// </summary>
    public IReadOnlyList<RecordChange>? ChangesSince(string kind, long after, long through)
    {
        lock (_lock)
        {
            var log = _kinds.TryGetValue(kind, out var followed) ? followed : throw new InvalidOperationException($"Kind '{kind}' is not followed.");
            return log.UnknownThrough > after ? null : log.Between(after, through);
        }
    }

    /// <summary>
    /// Calls <paramref name="observer"/> with each commit's outcome as <see cref="End"/> receives it (null when unknown),
    /// before the commit returns to its caller, in the order commits end rather than the order they began: for views that
    /// keep the newest version of each record, which is the largest whatever the order (<c>InstanceVersions</c>).
    /// </summary>
    public void OnEnd(Action<IReadOnlyList<RecordWrite>?> observer)
    {
        lock (_lock)
        {
            _observers = [.. _observers, observer];
        }
    }

    /// <summary>Numbers a commit about to start; <see cref="End"/> must follow, whatever the outcome.</summary>
    internal long Begin()
    {
        lock (_lock)
        {
            return ++_begun;
        }
    }

    /// <summary>
    /// Commit <paramref name="commit"/> ended: applied <paramref name="writes"/> (empty: it failed and changed nothing), or
    /// null when its outcome is unknown.
    /// </summary>
    internal void End(long commit, IReadOnlyList<RecordWrite>? writes)
    {
        lock (_lock)
        {
            _ended.Add(commit, writes);
            while (_ended.Remove(_position + 1, out var next))
            {
                _position++;
                Publish(_position, next);
            }
        }
        foreach (var observer in Volatile.Read(ref _observers))
        {
            observer(writes);
        }
    }

    private void Publish(long commit, IReadOnlyList<RecordWrite>? writes)
    {
        if (writes is null)
        {
            foreach (var log in _kinds.Values)
            {
                log.UnknownThrough = commit;
            }
            return;
        }
        foreach (var write in writes)
        {
            if (_kinds.TryGetValue(write.Kind, out var log) && RecordChange.Of(commit, write) is { } change)
            {
                log.Add(change);
            }
        }
    }

    /// <summary>One kind's changes in commit order, the oldest dropped once more than twice <see cref="Retained"/> are kept.</summary>
    private sealed class KindLog
    {
        private readonly List<RecordChange> _changes = [];

        /// <summary>Changes of commits up to this one may be missing (dropped, or of a commit whose outcome is unknown).</summary>
        public long UnknownThrough { get; set; }

        public void Add(RecordChange change)
        {
            _changes.Add(change);
            if (_changes.Count > 2 * Retained)
            {
                var dropped = _changes.Count - Retained;
                UnknownThrough = Math.Max(UnknownThrough, _changes[dropped - 1].Commit);
                _changes.RemoveRange(0, dropped);
            }
        }

        public List<RecordChange> Between(long after, long through)
        {
            var first = FirstAfter(after);
            var changes = new List<RecordChange>();
            for (var i = first; i < _changes.Count && _changes[i].Commit <= through; i++)
            {
                changes.Add(_changes[i]);
            }
            return changes;
        }

        /// <summary>The index of the first change of a commit after <paramref name="commit"/> (binary search: commits only grow).</summary>
        private int FirstAfter(long commit)
        {
            int low = 0, high = _changes.Count;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (_changes[middle].Commit <= commit)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }
            return low;
        }
    }
}
