namespace Berth.Store;

/// <summary>
/// The base of a store that adds something to commits only (the change feed, the event log, the lease's fence): every
/// read goes to the store it wraps unchanged, so a new read of <see cref="IStateStore"/> is forwarded in one place.
/// The reads are virtual for the tests' wrappers that make a change right after a read, to pin what a caller does when
/// the store moves between two of its reads.
/// </summary>
public abstract class CommitDecorator(IStateStore inner) : IStateStore
{
    /// <summary>The store this one wraps.</summary>
    protected IStateStore Inner => inner;

    public virtual Task<StoredRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken) => inner.GetAsync(kind, id, cancellationToken);

    public virtual Task<IReadOnlyList<StoredRecord>> GetManyAsync(string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        inner.GetManyAsync(kind, ids, cancellationToken);

    public virtual Task<IReadOnlyList<StoredRecord>> QueryAsync(RecordQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

    public virtual Task<IReadOnlyList<RecordVersion>> VersionsAsync(RecordQuery query, CancellationToken cancellationToken) => inner.VersionsAsync(query, cancellationToken);

    public virtual Task<int> CountAsync(RecordQuery query, CancellationToken cancellationToken) => inner.CountAsync(query, cancellationToken);

    public abstract Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken);

    public virtual ValueTask DisposeAsync() => inner.DisposeAsync();
}
