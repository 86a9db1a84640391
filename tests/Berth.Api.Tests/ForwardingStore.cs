using Berth.Store;

namespace Berth.Api.Tests;

/// <summary>A store that forwards to another, for tests that count or interleave what a caller does with it.</summary>
internal abstract class ForwardingStore(IStateStore inner) : IStateStore
{
    protected IStateStore Inner => inner;

    public Task<StoredRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken) => inner.GetAsync(kind, id, cancellationToken);

    public Task<IReadOnlyList<StoredRecord>> GetManyAsync(string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        inner.GetManyAsync(kind, ids, cancellationToken);

    public Task<IReadOnlyList<StoredRecord>> QueryAsync(RecordQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

    public Task<IReadOnlyList<RecordVersion>> VersionsAsync(RecordQuery query, CancellationToken cancellationToken) => inner.VersionsAsync(query, cancellationToken);

    public Task<int> CountAsync(RecordQuery query, CancellationToken cancellationToken) => inner.CountAsync(query, cancellationToken);

    public virtual Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken) => inner.CommitAsync(writes, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Counts the commits made through it.</summary>
internal sealed class CountingCommits(IStateStore inner) : ForwardingStore(inner)
{
    public int Commits { get; private set; }

    public override Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        Commits++;
        return base.CommitAsync(writes, cancellationToken);
    }
}

/// <summary>Makes someone else's write (<paramref name="write"/>, straight to the inner store) just before the first commit made through it.</summary>
internal sealed class WriteBeforeFirstCommit(IStateStore inner, Func<IStateStore, Task> write) : ForwardingStore(inner)
{
    private int _commits;

    public override async Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _commits) == 1)
        {
            await write(Inner);
        }
        await base.CommitAsync(writes, cancellationToken);
    }
}
