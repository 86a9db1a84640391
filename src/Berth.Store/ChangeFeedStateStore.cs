namespace Berth.Store;

/// <summary>
/// An <see cref="IStateStore"/> that publishes each commit's changes to <see cref="Feed"/> as the commit ends: every
/// change this server makes through it is in the feed by the time its <see cref="CommitAsync"/> returns.
/// </summary>
public sealed class ChangeFeedStateStore(IStateStore inner, ChangeFeed feed) : IStateStore
{
    public ChangeFeed Feed => feed;

    public Task<StoredRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken) => inner.GetAsync(kind, id, cancellationToken);

    public Task<IReadOnlyList<StoredRecord>> GetManyAsync(string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        inner.GetManyAsync(kind, ids, cancellationToken);

    public Task<IReadOnlyList<StoredRecord>> QueryAsync(RecordQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

    public Task<IReadOnlyList<RecordVersion>> VersionsAsync(RecordQuery query, CancellationToken cancellationToken) => inner.VersionsAsync(query, cancellationToken);

    public Task<int> CountAsync(RecordQuery query, CancellationToken cancellationToken) => inner.CountAsync(query, cancellationToken);

    public async Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        var commit = feed.Begin();
        // Unknown until the store answers: a failure other than a conflict (the store unreachable mid-commit, a
        // cancellation) may or may not have applied the writes.
        IReadOnlyList<RecordWrite>? applied = null;
        try
        {
            await inner.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
            applied = writes;
        }
        catch (ConcurrencyConflictException)
        {
            applied = [];
            throw;
        }
        finally
        {
            feed.End(commit, applied);
        }
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
