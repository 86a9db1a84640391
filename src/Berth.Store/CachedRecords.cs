namespace Berth.Store;

/// <summary>
/// What a <see cref="QueryReadCache{T}"/> read answers: the records in the store's order, and the same records by id.
/// Shared between readers and never changed: a read that finds something moved answers a new one.
/// </summary>
public sealed class CachedRecords<T>(IReadOnlyList<Versioned<T>> records, IReadOnlyDictionary<string, Versioned<T>> byId)
{
    public IReadOnlyList<Versioned<T>> Records => records;

    public IReadOnlyDictionary<string, Versioned<T>> ById => byId;
}
