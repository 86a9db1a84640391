namespace Berth.Store;

/// <summary>
/// An <see cref="IStateStore"/> that publishes each commit's changes to <see cref="Feed"/> as the commit ends: every
/// change this server makes through it is in the feed by the time its <see cref="CommitAsync"/> returns.
/// </summary>
public sealed class ChangeFeedStateStore(IStateStore inner, ChangeFeed feed) : CommitDecorator(inner)
{
    public ChangeFeed Feed => feed;

    public override async Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        var commit = feed.Begin();
        // Unknown until the store answers: a failure other than a conflict (the store unreachable mid-commit, a
        // cancellation) may or may not have applied the writes.
        IReadOnlyList<RecordWrite>? applied = null;
        try
        {
            await Inner.CommitAsync(writes, cancellationToken).ConfigureAwait(false);
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

}
