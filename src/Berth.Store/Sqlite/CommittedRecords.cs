using System.Collections.Concurrent;

namespace Berth.Store.Sqlite;

/// <summary>
/// The records this store's own commits wrote, kept as they were committed, so that reading one back (the instance a
/// poll answers, the tasks a report changes, the bodies the event recorder compares) costs no read of the file. A
/// deleted record is kept as a tombstone: known not to exist. Only the group-commit writer fills it, after its COMMIT
/// succeeded and before any of the group's callers learns the outcome, one group after another, so two commits of one
/// record land in commit order. Reads never fill it: a read racing a commit could otherwise put back the older version.
/// </summary>
/// <remarks>
/// <para>It answers only while <see cref="SqliteOpeners.IsAlone"/>: while no other store has opened the file, every
/// commit to it is this store's, so an entry is never older than the file. Once another store opened the file, the
/// memory is dropped for good and every read goes to the file, as it did before this existed (a stale entry would make a
/// conditional write conflict forever). Between a COMMIT and the update of the memory a read may still answer the
/// version before the commit, which is a read concurrent with the commit; the commit's caller is not told before.</para>
/// <para>Memory is bounded by a budget of bytes (each record's UTF-8 body, its keys' strings at two bytes a character,
/// and a fixed cost per entry): past it, the records written longest ago are forgotten first, and are simply read from the file
/// again. Written-longest-ago rather than least-recently-read keeps reads free of bookkeeping: they only look up.</para>
/// <para><see cref="GetMany"/> answers a set of records as of one moment, as one query would: the writer marks each
/// COMMIT with a sequence number that is odd from just before the COMMIT until the memory shows it, and a read that saw
/// the number move (or odd) while it combined memory and file reads the whole set from the file instead.</para>
/// </remarks>
internal sealed class CommittedRecords(SqliteOpeners openers, long budgetBytes)
{
    /// <summary>The default budget: the hot records of a 2,000-instance, 20,000-task cluster fit with room to spare.</summary>
    public const long DefaultBudgetBytes = 48L * 1024 * 1024;

    /// <summary>What an entry costs beside its strings: the entry, the record, the dictionary and queue nodes.</summary>
    private const int EntryOverheadBytes = 200;

    /// <summary>Read without a lock; changed only under <see cref="_order"/>'s lock.</summary>
    private readonly ConcurrentDictionary<(string Kind, string Id), Entry> _entries = new();

    /// <summary>The entries, written longest ago first (an entry written again moves to the end).</summary>
    private readonly LinkedList<Entry> _order = [];

    private long _bytes;
    private long _sequence;
    private volatile bool _dropped;

    /// <summary>How many entries are kept (for tests).</summary>
    internal int Count => _entries.Count;

    /// <summary>
    /// What this store last committed for the record: true with the record, or with null when it deleted it; false
    /// when it does not know (never wrote it, forgot it, or is not alone on the file), and the file must be read.
    /// </summary>
    public bool TryGet(string kind, string id, out StoredRecord? record)
    {
        record = null;
        if (!Answers() || !_entries.TryGetValue((kind, id), out var entry))
        {
            return false;
        }
        record = entry.Record;
        return true;
    }

    /// <summary>
    /// The records of the ids that exist, reading from <paramref name="readFile"/> those it does not know (or all of them,
    /// when a commit of this store ended meanwhile, so the answer is of one moment); each id once however often named.
    /// </summary>
    public async Task<IReadOnlyList<StoredRecord>> GetMany(
        string kind, IReadOnlyCollection<string> ids, Func<IReadOnlyCollection<string>, Task<IReadOnlyList<StoredRecord>>> readFile)
    {
        var sequence = Volatile.Read(ref _sequence);
        if (sequence % 2 != 0 || !Answers())
        {
            return await readFile(ids).ConfigureAwait(false);
        }
        var known = new List<StoredRecord>(ids.Count);
        var unknown = new List<string>();
        var seen = new HashSet<string>(ids.Count, StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (!seen.Add(id))
            {
                continue;
            }
            if (!_entries.TryGetValue((kind, id), out var entry))
            {
                unknown.Add(id);
            }
            else if (entry.Record is { } record)
            {
                known.Add(record);
            }
        }
        if (unknown.Count > 0)
        {
            known.AddRange(await readFile(unknown).ConfigureAwait(false));
        }
        // Checked again after the file's read: a commit of this store or another store's open meanwhile means the
        // records from memory and those from the file may be of two moments.
        return Volatile.Read(ref _sequence) == sequence && Answers() ? known : await readFile(ids).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the writer's COMMIT of a group and, once it succeeded, keeps what the group's applied commits wrote, before
    /// the writer tells any caller. When the COMMIT fails, the records those commits wrote are forgotten rather than kept
    /// as they were: whether a failed COMMIT changed the file is not always certain, and the file is.
    /// </summary>
    public void Commit(Action commit, IEnumerable<RecordWrite> applied)
    {
        Interlocked.Increment(ref _sequence);
        try
        {
            commit();
            Keep(applied);
        }
        catch
        {
            Forget(applied);
            throw;
        }
        finally
        {
            Interlocked.Increment(ref _sequence);
        }
    }

    private bool Answers()
    {
        if (openers.IsAlone)
        {
            return true;
        }
        if (!_dropped)
        {
            Drop();
        }
        return false;
    }

    private void Keep(IEnumerable<RecordWrite> writes)
    {
        lock (_order)
        {
            if (_dropped)
            {
                return;
            }
            foreach (var write in writes)
            {
                switch (write)
                {
                    case PutRecord put:
                        Put(new StoredRecord(put.Kind, put.Id, put.Scope, put.SortKey, put.ExpectedVersion + 1, put.Body));
                        break;
                    case DeleteRecord delete:
                        Put(delete.Kind, delete.Id, null);
                        break;
                    default:
                        // RequireVersion changes nothing.
                        break;
                }
            }
            while (_bytes > budgetBytes && _order.First is { } oldest)
            {
                Remove(oldest.Value);
            }
        }
    }

    private void Put(StoredRecord record) => Put(record.Kind, record.Id, record);

    private void Put(string kind, string id, StoredRecord? record)
    {
        if (_entries.TryGetValue((kind, id), out var previous))
        {
            Remove(previous);
        }
        var entry = new Entry(kind, id, record);
        entry.Node = _order.AddLast(entry);
        _entries[(kind, id)] = entry;
        _bytes += entry.Bytes;
    }

    private void Forget(IEnumerable<RecordWrite> writes)
    {
        lock (_order)
        {
            foreach (var write in writes)
            {
                if (_entries.TryGetValue((write.Kind, write.Id), out var entry))
                {
                    Remove(entry);
                }
            }
        }
    }

    private void Remove(Entry entry)
    {
        _entries.TryRemove((entry.Kind, entry.Id), out _);
        _order.Remove(entry.Node!);
        _bytes -= entry.Bytes;
    }

    private void Drop()
    {
        lock (_order)
        {
            _dropped = true;
            _entries.Clear();
            _order.Clear();
            _bytes = 0;
        }
    }

    private sealed class Entry(string kind, string id, StoredRecord? record)
    {
        public string Kind { get; } = kind;
        public string Id { get; } = id;

        /// <summary>Null: the record was deleted.</summary>
        public StoredRecord? Record { get; } = record;

        public long Bytes { get; } = EntryOverheadBytes + (2L * (id.Length + (record is null ? 0 : record.Scope.Length + record.SortKey.Length)))
            + (record?.Body.Length ?? 0);

        public LinkedListNode<Entry>? Node { get; set; }
    }
}
