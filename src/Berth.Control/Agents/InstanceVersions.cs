using Berth.Store;

namespace Berth.Control.Agents;

/// <summary>
/// The newest version of each polled container instance's record that this server knows of, so that a poll's wake
/// reads the record only when it moved (docs/agent-protocol.md §1). Each task placed wakes its instance's poll about three
/// times (the placement's signal, the agent's next poll, the assignment watcher's scan) and only the first follows a
/// change; on PostgreSQL each read was a round trip. What this server commits is known as its commits end (<see
/// cref="ChangeFeed.OnEnd"/>, before the committer notifies the poll); what other servers commit is known from the
/// assignment watcher's listing (<see cref="Listed"/>), which also wakes the polls, as late as it always did.
/// </summary>
/// <remarks>
/// An entry exists only for an instance read through <see cref="BeginRead"/>, and goes at <see cref="Forget"/>. Anything
/// that may have moved a record without saying to what (a deletion, a commit whose outcome is unknown, an instance the
/// listing no longer has) sets its newest version to the largest there is, so only a read decides it again. A read sets
/// the newest version to what it found unless something was noted while it ran: then the larger of the two stands.
/// </remarks>
public sealed class InstanceVersions
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public InstanceVersions(ChangeFeed feed) => feed.OnEnd(Ended);

    /// <summary>Whether the record at <paramref name="version"/> is the newest this server knows of.</summary>
    public bool IsNewest(string instanceArn, long version)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(instanceArn, out var entry) && version >= entry.Newest;
        }
    }

    /// <summary>Starts a read of the instance's record; pass what it returns to <see cref="EndRead"/>.</summary>
    public long BeginRead(string instanceArn)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(instanceArn, out var entry))
            {
                _entries[instanceArn] = entry = new Entry();
            }
            return entry.Notes;
        }
    }

    /// <summary>The read begun at <paramref name="mark"/> found the record at <paramref name="version"/>.</summary>
    public void EndRead(string instanceArn, long version, long mark)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(instanceArn, out var entry))
            {
                entry.Newest = entry.Notes == mark ? version : Math.Max(entry.Newest, version);
            }
        }
    }

    public void Forget(string instanceArn)
    {
        lock (_lock)
        {
            _entries.Remove(instanceArn);
        }
    }

    /// <summary>The version of every container instance record in the store at one moment, by ARN, as the assignment watcher listed them.</summary>
    public void Listed(IReadOnlyDictionary<string, long> versions)
    {
        lock (_lock)
        {
            foreach (var (arn, entry) in _entries)
            {
                entry.Note(versions.TryGetValue(arn, out var version) ? version : long.MaxValue);
            }
        }
    }

    private void Ended(IReadOnlyList<RecordWrite>? applied)
    {
        if (applied is not null && !WritesInstances(applied))
        {
            return;
        }
        lock (_lock)
        {
            if (applied is null)
            {
                foreach (var entry in _entries.Values)
                {
                    entry.Note(long.MaxValue);
                }
                return;
            }
            foreach (var write in applied)
            {
                if (write.Kind == EcsRecords.ContainerInstanceKind && RecordChange.Of(0, write) is { } change && _entries.TryGetValue(change.Id, out var entry))
                {
                    entry.Note(change.Deleted ? long.MaxValue : change.Version);
                }
            }
        }
    }

    /// <summary>A loop rather than LINQ: every commit of the server passes here.</summary>
    private static bool WritesInstances(IReadOnlyList<RecordWrite> writes)
    {
        for (var i = 0; i < writes.Count; i++)
        {
            if (writes[i].Kind == EcsRecords.ContainerInstanceKind)
            {
                return true;
            }
        }
        return false;
    }

    private sealed class Entry
    {
        /// <summary>A record this new or newer is current; none is until the first read.</summary>
        public long Newest { get; set; } = long.MaxValue;

        /// <summary>How many times something was noted, so that a read knows whether anything was while it ran.</summary>
        public long Notes { get; private set; }

        public void Note(long version)
        {
            Newest = Math.Max(Newest, version);
            Notes++;
        }
    }
}
