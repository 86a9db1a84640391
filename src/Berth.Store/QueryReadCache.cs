using System.Collections.Concurrent;

namespace Berth.Store;

/// <summary>
/// The records of one type that a query answers, deserialized once per version: each read lists the query's ids and
/// versions (<see cref="IStateStore.VersionsAsync"/>) and reads and deserializes the bodies of only the records whose
/// version moved since the last read of that query. For queries read often whose records rarely all move at once: a
/// cluster's container instances and heartbeats, and a service's or daemon's tasks, which the schedulers read on every
/// round (2,000 instance and heartbeat bodies each at 2,000 instances before, of which a few dozen had moved).
/// </summary>
/// <remarks>
/// A read answers what <see cref="StateStoreExtensions.QueryAsync{T}"/> would: every record listed, each at its listed
/// version or a newer one read after the listing, none deleted before its body was read. The values are shared between
/// callers, as the store's records are immutable. Each query's entries are replaced as a whole by every read, so a
/// deleted record leaves the cache with the next read of its query; the cache keeps one entry per query ever read
/// (a cluster's, a group's by desired status) for the server's life.
/// </remarks>
public sealed class QueryReadCache<T>(IStateStore store, RecordType<T> type)
{
    /// <summary>Up to this many moved records are read one by one; more, with the query itself.</summary>
    private const int BodiesReadOneByOne = 32;

    /// <summary>The last read of each query, by record id.</summary>
    private readonly ConcurrentDictionary<RecordQuery, IReadOnlyDictionary<string, Versioned<T>>> _queries = new();

    /// <summary>The records of one scope (null: of every scope), in the store's order (by sort key).</summary>
    public Task<IReadOnlyList<Versioned<T>>> QueryAsync(string? scope, CancellationToken cancellationToken) =>
        QueryAsync(new RecordQuery(type.Kind, scope), cancellationToken);

    /// <summary>The records <paramref name="query"/> answers (its kind is this type's), in the store's order.</summary>
    public async Task<IReadOnlyList<Versioned<T>>> QueryAsync(RecordQuery query, CancellationToken cancellationToken)
    {
        query = query with { Kind = type.Kind };
        var versions = await store.VersionsAsync(query, cancellationToken).ConfigureAwait(false);
        var known = _queries.GetValueOrDefault(query) ?? new Dictionary<string, Versioned<T>>(StringComparer.Ordinal);
        var moved = versions.Where(v => !(known.TryGetValue(v.Id, out var cached) && cached.Version == v.Version)).ToList();
        var read = moved.Count > BodiesReadOneByOne
            ? await ReadQueryAsync(query, known, cancellationToken).ConfigureAwait(false)
            : await ReadOneByOneAsync(moved, cancellationToken).ConfigureAwait(false);
        var current = new Dictionary<string, Versioned<T>>(versions.Count, StringComparer.Ordinal);
        var records = new List<Versioned<T>>(versions.Count);
        foreach (var listed in versions)
        {
            if (read.TryGetValue(listed.Id, out var fresh) || known.TryGetValue(listed.Id, out fresh) && fresh.Version == listed.Version)
            {
                current[listed.Id] = fresh;
                records.Add(fresh);
            }
            // Otherwise it was deleted between the listing and the read: gone, as if not listed.
        }
        _queries[query] = current;
        return records;
    }

    /// <summary>The records as the query answers them; only the bodies at a version not yet known are deserialized.</summary>
    private async Task<Dictionary<string, Versioned<T>>> ReadQueryAsync(
        RecordQuery query, IReadOnlyDictionary<string, Versioned<T>> known, CancellationToken cancellationToken)
    {
        var stored = await store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
        var read = new Dictionary<string, Versioned<T>>(stored.Count, StringComparer.Ordinal);
        foreach (var record in stored)
        {
            read[record.Id] = known.TryGetValue(record.Id, out var cached) && cached.Version == record.Version
                ? cached
                : new Versioned<T>(record.Id, record.Version, record.SortKey, type.Deserialize(record));
        }
        return read;
    }

    private async Task<Dictionary<string, Versioned<T>>> ReadOneByOneAsync(IReadOnlyList<RecordVersion> moved, CancellationToken cancellationToken)
    {
        var read = new Dictionary<string, Versioned<T>>(moved.Count, StringComparer.Ordinal);
        foreach (var version in moved)
        {
            if (await store.GetAsync(type, version.Id, cancellationToken).ConfigureAwait(false) is { } record)
            {
                read[record.Id] = record;
            }
        }
        return read;
    }
}
