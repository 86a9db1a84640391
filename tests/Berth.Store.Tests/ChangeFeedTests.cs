namespace Berth.Store.Tests;

/// <summary>
/// <see cref="ChangeFeed"/> as <see cref="ChangeFeedStateStore"/> publishes to it, over a store whose commits end when
/// the test says: what a follower reads, in which order, and when it must list instead.
/// </summary>
public sealed class ChangeFeedTests
{
    private const string Kind = "thing";

    private readonly ChangeFeed _feed = new();

    public ChangeFeedTests() => _feed.Follow(Kind);

    private static PutRecord Put(string id, long expectedVersion) => new(Kind, id, "scope", "key-" + id, Bodies.Of("{}"), expectedVersion) { IndexKey = "index-" + id };

    private IReadOnlyList<RecordChange>? ChangesSince(long after) => _feed.ChangesSince(Kind, after, _feed.Position);

    [Fact]
    public async Task A_commit_publishes_each_put_at_its_new_version_and_each_delete_at_the_version_it_removed_and_nothing_else()
    {
        var store = new ChangeFeedStateStore(new ScriptedStore(_ => Task.CompletedTask), _feed);

        await store.CommitAsync(
            [Put("a", 0), Put("b", 4), new DeleteRecord(Kind, "c", 7), new RequireVersion(Kind, "d", 2), new PutRecord("unfollowed", "e", "s", "e", Bodies.Of("{}"), 0)],
            CancellationToken.None);

        Assert.Equal(1, _feed.Position);
        Assert.Equal(
            [
                new RecordChange(1, "a", 1, "scope", "key-a", "index-a"),
                new RecordChange(1, "b", 5, "scope", "key-b", "index-b"),
                new RecordChange(1, "c", 7, null, null, null),
            ],
            ChangesSince(0));
        Assert.True(ChangesSince(0)![2].Deleted);
        Assert.Empty(ChangesSince(1)!);
    }

    [Fact]
    public async Task A_commit_that_ends_before_one_begun_earlier_is_seen_only_after_that_one_in_the_order_they_began()
    {
        var first = new TaskCompletionSource();
        var store = new ChangeFeedStateStore(new ScriptedStore(writes => ((PutRecord)writes[0]).Id == "first" ? first.Task : Task.CompletedTask), _feed);
        var slow = store.CommitAsync([Put("first", 0)], CancellationToken.None);

        await store.CommitAsync([Put("second", 0)], CancellationToken.None);
        Assert.Equal(0, _feed.Position);
        Assert.Empty(ChangesSince(0)!);

        first.SetResult();
        await slow;
        Assert.Equal(2, _feed.Position);
        Assert.Equal(["first", "second"], ChangesSince(0)!.Select(c => c.Id));
    }

    [Fact]
    public async Task A_conflict_publishes_nothing_and_a_failure_of_unknown_outcome_makes_every_follower_behind_it_list()
    {
        var failure = new Exception[1];
        var store = new ChangeFeedStateStore(new ScriptedStore(_ => failure[0] is { } e ? Task.FromException(e) : Task.CompletedTask), _feed);
        await store.CommitAsync([Put("a", 0)], CancellationToken.None);

        failure[0] = new ConcurrencyConflictException(Kind, "b");
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.CommitAsync([Put("b", 3)], CancellationToken.None));
        Assert.Equal(["a"], ChangesSince(0)!.Select(c => c.Id));

        failure[0] = new StoreUnavailableException("The store went away mid-commit.", new IOException());
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync([Put("c", 0)], CancellationToken.None));
        Assert.Equal(3, _feed.Position);
        Assert.Null(ChangesSince(2));
        Assert.Empty(ChangesSince(3)!);
    }

    /// <summary>A store whose commits do what the test says and whose reads are never made.</summary>
    private sealed class ScriptedStore(Func<IReadOnlyList<RecordWrite>, Task> commit) : IStateStore
    {
        public Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken) => commit(writes);

        public Task<StoredRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredRecord>> GetManyAsync(string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<StoredRecord>> QueryAsync(RecordQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<RecordVersion>> VersionsAsync(RecordQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> CountAsync(RecordQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
