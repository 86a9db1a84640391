using Berth.Store;

namespace Berth.Api.Tests;

/// <summary>A store that forwards to another, for tests that count or interleave what a caller does with it.</summary>
internal abstract class ForwardingStore(IStateStore inner) : IStateStore
{
    protected IStateStore Inner => inner;

    public virtual Task<StoredRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken) => inner.GetAsync(kind, id, cancellationToken);

    public virtual Task<IReadOnlyList<StoredRecord>> GetManyAsync(string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
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

/// <summary>Records the reads by id made through it: each <see cref="GetAsync"/> as one id, each <see cref="GetManyAsync"/> as its list.</summary>
internal sealed class CountingReads(IStateStore inner) : ForwardingStore(inner)
{
    private readonly List<(string Kind, string[] Ids)> _reads = [];

    public IReadOnlyList<(string Kind, string[] Ids)> Reads
    {
        get
        {
            lock (_reads)
            {
                return [.. _reads];
            }
        }
    }

    public override Task<StoredRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken)
    {
        Record(kind, [id]);
        return base.GetAsync(kind, id, cancellationToken);
    }

    public override Task<IReadOnlyList<StoredRecord>> GetManyAsync(string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        Record(kind, [.. ids]);
        return base.GetManyAsync(kind, ids, cancellationToken);
    }

    private void Record(string kind, string[] ids)
    {
        lock (_reads)
        {
            _reads.Add((kind, ids));
        }
    }
}

/// <summary>
/// Makes someone else's write (<paramref name="write"/>, straight to the inner store) just before the
/// <paramref name="number"/>th commit made through it (the first by default).
/// </summary>
internal sealed class WriteBeforeCommit(IStateStore inner, Func<IStateStore, Task> write, int number = 1) : ForwardingStore(inner)
{
    private int _commits;

    public override async Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _commits) == number)
        {
            await write(Inner);
        }
        await base.CommitAsync(writes, cancellationToken);
    }
}
