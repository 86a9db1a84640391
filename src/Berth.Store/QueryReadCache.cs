using System.Collections.Concurrent;

namespace Berth.Store;

/// <summary>
/// The records of one type that a query answers, deserialized once per version, and brought up to the store by what
/// moved: a read takes this server's changes to the query's records since the last read from the
/// <see cref="ChangeFeed"/> and reads the bodies of only those, and lists the query's ids and versions
/// (<see cref="IStateStore.VersionsAsync"/>) only once its last listing is <see cref="ChangeFeed.ListingInterval"/> old.
/// For queries read often: a cluster's container instances and heartbeats, and a service's or daemon's tasks, which the
/// placements and schedulers read all the time (2,000 instance and heartbeat versions listed on every read before, of
/// which a few had moved).
/// </summary>
/// <remarks>
/// A read (<see cref="ReadAsync"/>) answers what <see cref="StateStoreExtensions.QueryAsync{T}"/> would for this server's
/// own commits, and for other servers' commits as of at most <see cref="ChangeFeed.ListingInterval"/> ago: right for
/// callers that act again when they find the state moved (the schedulers' rounds) or whose commits carry the versions
/// they read (a placement's). A caller that must see every server's commits at once (an API answer, registration) reads
/// with <see cref="ReadCurrentAsync"/>, which lists first. Both keep the cache.
/// The answers are shared between callers, as the store's records are immutable. A record deleted and created again
/// under the same id between two listings may show its old body until the next listing (no kind read through a cache
/// reuses ids so quickly). The cache keeps one entry per query ever read (a cluster's, a group's by desired status) for
/// the server's life. Queries with <see cref="RecordQuery.After"/> or <see cref="RecordQuery.Limit"/> (pages) are not cached.
/// </remarks>
public sealed class QueryReadCache<T>
{
    /// <summary>
    /// Moved records are read by id, in one read, when they are at most this many or at most half of those known; more,
    /// with the query itself (then the ids would name most of the rows the query reads anyway).
    /// </summary>
    private const int BodiesReadById = 32;

    private readonly IStateStore _store;
    private readonly ChangeFeed _feed;
    private readonly RecordType<T> _type;
    private readonly TimeProvider _time;

    /// <summary>The last read of each query.</summary>
    private readonly ConcurrentDictionary<RecordQuery, Read> _queries = new();

    public QueryReadCache(IStateStore store, ChangeFeed feed, RecordType<T> type, TimeProvider time)
    {
        _store = store;
        _feed = feed;
        _type = type;
        _time = time;
        feed.Follow(type.Kind);
    }

    /// <summary>The records of one scope (null: of every scope), in the store's order (by sort key).</summary>
    public async Task<IReadOnlyList<Versioned<T>>> QueryAsync(string? scope, CancellationToken cancellationToken) =>
        (await ReadAsync(new RecordQuery(_type.Kind, scope), cancellationToken).ConfigureAwait(false)).Records;

    /// <summary>The records <paramref name="query"/> answers (its kind is this type's), in the store's order.</summary>
    public async Task<IReadOnlyList<Versioned<T>>> QueryAsync(RecordQuery query, CancellationToken cancellationToken) =>
        (await ReadAsync(query, cancellationToken).ConfigureAwait(false)).Records;

    /// <summary>The query's records, other servers' changes seen at most <see cref="ChangeFeed.ListingInterval"/> late.</summary>
    public Task<CachedRecords<T>> ReadAsync(RecordQuery query, CancellationToken cancellationToken) => ReadAsync(query, listFirst: false, cancellationToken);

    /// <summary>The query's records as the store holds them now, every server's commits included.</summary>
    public Task<CachedRecords<T>> ReadCurrentAsync(RecordQuery query, CancellationToken cancellationToken) => ReadAsync(query, listFirst: true, cancellationToken);

    private async Task<CachedRecords<T>> ReadAsync(RecordQuery query, bool listFirst, CancellationToken cancellationToken)
    {
        query = query with { Kind = _type.Kind };
        if (query.After is not null || query.Limit is not null)
        {
            throw new ArgumentException("A page of a query is not cached.", nameof(query));
        }
        var now = _time.GetUtcNow();
        var through = _feed.Position;
        var last = _queries.GetValueOrDefault(query);
        var changes = last is null || listFirst || now - last.ListedAt >= ChangeFeed.ListingInterval
            ? null
            : _feed.ChangesSince(_type.Kind, last.Position, through);
        if (last is not null && changes is { Count: 0 })
        {
            return last.Records;
        }
        var read = changes is null
            ? await ListAsync(query, last, through, now, cancellationToken).ConfigureAwait(false)
            : await FollowAsync(query, last!, changes, through, now, cancellationToken).ConfigureAwait(false);
        // Of two reads racing, the one further along stays (either is a whole answer as of its position).
        _queries.AddOrUpdate(query, read, (_, other) => other.Position > read.Position ? other : read);
        return read.Records;
    }

    /// <summary>Lists the query's versions and reads the bodies whose version moved since <paramref name="last"/>.</summary>
    private async Task<Read> ListAsync(RecordQuery query, Read? last, long through, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var known = last?.Records.ById ?? new Dictionary<string, Versioned<T>>(StringComparer.Ordinal);
        var versions = await _store.VersionsAsync(query, cancellationToken).ConfigureAwait(false);
        var moved = versions.Where(v => !(known.TryGetValue(v.Id, out var cached) && cached.Version == v.Version)).Select(v => v.Id).ToList();
        if (!ReadById(moved, known))
        {
            return await QueryWholeAsync(query, known, through, now, cancellationToken).ConfigureAwait(false);
        }
        var read = await _store.GetManyAsync(_type, moved, cancellationToken).ConfigureAwait(false);
        var byId = new Dictionary<string, Versioned<T>>(versions.Count, StringComparer.Ordinal);
        var records = new List<Versioned<T>>(versions.Count);
        foreach (var listed in versions)
        {
            if (read.TryGetValue(listed.Id, out var fresh) || known.TryGetValue(listed.Id, out fresh) && fresh.Version == listed.Version)
            {
                byId[listed.Id] = fresh;
                records.Add(fresh);
            }
            // Otherwise it was deleted between the listing and the read: gone, as if not listed.
        }
        return new Read(through, now, new CachedRecords<T>(records, byId));
    }

    /// <summary>
    /// Applies this server's <paramref name="changes"/> since <paramref name="last"/>: reads the records that moved into
    /// or within the query, drops those deleted or moved out of it.
    /// </summary>
    private async Task<Read> FollowAsync(
        RecordQuery query, Read last, IReadOnlyList<RecordChange> changes, long through, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var known = last.Records.ById;
        var moved = new List<string>();
        var gone = new List<string>();
        foreach (var change in RecordChange.LatestById(changes).Values)
        {
            var cached = known.GetValueOrDefault(change.Id);
            if (change.Matches(query))
            {
                if (cached is null || cached.Version < change.Version)
                {
                    moved.Add(change.Id);
                }
            }
            else if (cached is not null)
            {
                gone.Add(change.Id);
            }
        }
        if (!ReadById(moved, known))
        {
            return await QueryWholeAsync(query, known, through, now, cancellationToken).ConfigureAwait(false);
        }
        var read = await _store.GetManyAsync(_type, moved, cancellationToken).ConfigureAwait(false);
        var byId = new Dictionary<string, Versioned<T>>(known, StringComparer.Ordinal);
        var reordered = gone.Count > 0;
        foreach (var id in gone)
        {
            byId.Remove(id);
        }
        foreach (var id in moved)
        {
            if (read.TryGetValue(id, out var record))
            {
                reordered |= !known.TryGetValue(id, out var cached) || cached.SortKey != record.SortKey;
                byId[id] = record;
            }
            else
            {
                // Deleted since (by another server, or by a commit of ours that is not visible yet).
                reordered |= byId.Remove(id);
            }
        }
        IReadOnlyList<Versioned<T>> records = reordered
            ? [.. byId.Values.Order(new StoreOrder(query.Scope is null))]
            : [.. last.Records.Records.Select(r => byId[r.Id])];
        // Not a listing: the time of the last one stays.
        return new Read(through, last.ListedAt, new CachedRecords<T>(records, byId));
    }

    private static bool ReadById(List<string> moved, IReadOnlyDictionary<string, Versioned<T>> known) =>
        moved.Count <= Math.Max(BodiesReadById, known.Count / 2);

    /// <summary>The records as the query answers them; only the bodies at a version not yet known are deserialized.</summary>
    private async Task<Read> QueryWholeAsync(
        RecordQuery query, IReadOnlyDictionary<string, Versioned<T>> known, long through, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = await _store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
        var byId = new Dictionary<string, Versioned<T>>(stored.Count, StringComparer.Ordinal);
        var records = new List<Versioned<T>>(stored.Count);
        foreach (var record in stored)
        {
            var value = known.TryGetValue(record.Id, out var cached) && cached.Version == record.Version
                ? cached
                : new Versioned<T>(record.Id, record.Version, record.SortKey, _type.Deserialize(record));
            byId[record.Id] = value;
            records.Add(value);
        }
        return new Read(through, now, new CachedRecords<T>(records, byId));
    }

    /// <summary>A query's records as of feed position <see cref="Position"/>, last listed at <see cref="ListedAt"/>.</summary>
    private sealed record Read(long Position, DateTimeOffset ListedAt, CachedRecords<T> Records);

    /// <summary>The store's order: by sort key within a scope, by id across every scope (keys compare byte-wise, as ordinal does for ASCII).</summary>
    private sealed class StoreOrder(bool byId) : IComparer<Versioned<T>>
    {
        public int Compare(Versioned<T>? x, Versioned<T>? y) =>
            byId ? string.CompareOrdinal(x!.Id, y!.Id) : string.CompareOrdinal(x!.SortKey, y!.SortKey) is var bySortKey and not 0 ? bySortKey : string.CompareOrdinal(x.Id, y.Id);
    }
}
