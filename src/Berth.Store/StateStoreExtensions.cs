namespace Berth.Store;

/// <summary>Typed reads and the re-read-and-retry loop that optimistic concurrency needs.</summary>
public static class StateStoreExtensions
{
    /// <summary>How many times a read-plan-commit is re-run after losing a race before giving up.</summary>
    private const int MaxAttempts = 20;

    public static async Task<Versioned<T>?> GetAsync<T>(
        this IStateStore store, RecordType<T> type, string id, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(type.Kind, id, cancellationToken).ConfigureAwait(false);
        return record is null ? null : ToVersioned(type, record);
    }

    /// <summary>The records of <paramref name="type"/> with these ids that exist, by id: one read for all of them.</summary>
    public static async Task<IReadOnlyDictionary<string, Versioned<T>>> GetManyAsync<T>(
        this IStateStore store, RecordType<T> type, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var records = await store.GetManyAsync(type.Kind, ids, cancellationToken).ConfigureAwait(false);
        var byId = new Dictionary<string, Versioned<T>>(records.Count, StringComparer.Ordinal);
        foreach (var record in records)
        {
            byId[record.Id] = ToVersioned(type, record);
        }
        return byId;
    }

    public static async Task<IReadOnlyList<Versioned<T>>> QueryAsync<T>(
        this IStateStore store, RecordType<T> type, RecordQuery query, CancellationToken cancellationToken)
    {
        var records = await store.QueryAsync(query with { Kind = type.Kind }, cancellationToken).ConfigureAwait(false);
        return records.Select(r => ToVersioned(type, r)).ToList();
    }

    /// <summary>
    /// Deletes every record of <paramref name="type"/>, in every scope, that <paramref name="expired"/> picks, each in
    /// its own commit: one changed or deleted meanwhile (a revocation, another server's sweep) is left for the next pass.
    /// </summary>
    /// <returns>The records deleted.</returns>
    public static async Task<IReadOnlyList<Versioned<T>>> DeleteExpiredAsync<T>(
        this IStateStore store, RecordType<T> type, Func<T, bool> expired, CancellationToken cancellationToken)
    {
        var deleted = new List<Versioned<T>>();
        foreach (var record in await store.QueryAsync(type, new RecordQuery(type.Kind, null), cancellationToken).ConfigureAwait(false))
        {
            if (!expired(record.Value))
            {
                continue;
            }
            try
            {
                await store.CommitAsync([type.Delete(record)], cancellationToken).ConfigureAwait(false);
                deleted.Add(record);
            }
            catch (ConcurrencyConflictException)
            {
                // Seen afresh by the next pass.
            }
        }
        return deleted;
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> (read, decide, commit) until it commits without a conflict.
    /// The attempt must read everything it decides on afresh each time.
    /// </summary>
    public static async Task<TResult> RetryOnConflictAsync<TResult>(
        this IStateStore store, Func<CancellationToken, Task<TResult>> attempt, CancellationToken cancellationToken)
    {
        for (var attemptNumber = 1; ; attemptNumber++)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException) when (attemptNumber < MaxAttempts)
            {
                // Back off a little, with jitter, so two writers racing on one record do not collide forever.
                await Task.Delay(Random.Shared.Next(1, 5 * attemptNumber), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static Versioned<T> ToVersioned<T>(RecordType<T> type, StoredRecord record) =>
        new(record.Id, record.Version, record.SortKey, type.Deserialize(record));
}
