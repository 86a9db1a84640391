using Microsoft.Data.Sqlite;
using static SQLitePCL.raw;

namespace Berth.Store.Sqlite;

/// <summary>
/// Lets one transaction at a time into the file from this process, and puts the commits that queued up meanwhile into
/// the next one together (group commit): each inside a SAVEPOINT of its own, so a commit whose version check fails
/// rolls back only itself and the others go in. Every caller learns its outcome once the whole transaction is
/// committed (durable as any single commit was: WAL with synchronous=NORMAL), never before.
/// </summary>
/// <remarks>
/// Why one writer: SQLite takes one writer anyway, and a second one gets SQLITE_BUSY, which Microsoft.Data.Sqlite
/// retries by blocking its thread in Thread.Sleep(150): under the scale harness (2,000 agents' heartbeats and reports)
/// pool threads spent five times the CPU they used asleep there. Why groups: with one transaction per commit, commits
/// queue behind each other's BEGIN/COMMIT and WAL append; in a group they share one.
/// A failure other than a version conflict (disk full, I/O error) fails the commit that hit it; when SQLite rolled the
/// whole transaction back because of it, every commit of the group fails with it, and none of them changed anything.
/// </remarks>
internal sealed class SqliteGroupCommit(Func<CancellationToken, Task<SqliteConnection>> openConnection) : IDisposable
{
    /// <summary>Bounds how long the first commit of a group waits for the others' writes.</summary>
    private const int MaxGroup = 256;

    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly LinkedList<PendingCommit> _queue = [];

    public async Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        var pending = new PendingCommit(writes);
        LinkedListNode<PendingCommit> node;
        lock (_queue)
        {
            node = _queue.AddLast(pending);
        }
        try
        {
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Withdraw(node))
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            // Another writer has taken this commit into its group already: its outcome is the one to report.
            await pending.Outcome.Task.ConfigureAwait(false);
            return;
        }
        try
        {
            // Whoever holds the writer commits the queue from its head, so this commit is in the group of a writer
            // before us or in one of ours.
            while (!pending.Outcome.Task.IsCompleted)
            {
                await CommitGroupAsync(TakeGroup()).ConfigureAwait(false);
            }
        }
        finally
        {
            _writer.Release();
        }
        await pending.Outcome.Task.ConfigureAwait(false);
    }

    public void Dispose() => _writer.Dispose();

    private bool Withdraw(LinkedListNode<PendingCommit> node)
    {
        lock (_queue)
        {
            if (node.List is null)
            {
                return false;
            }
            _queue.Remove(node);
            return true;
        }
    }

    private List<PendingCommit> TakeGroup()
    {
        lock (_queue)
        {
            var group = new List<PendingCommit>(Math.Min(_queue.Count, MaxGroup));
            while (group.Count < MaxGroup && _queue.First is { } first)
            {
                group.Add(first.Value);
                _queue.RemoveFirst();
            }
            return group;
        }
    }

    /// <summary>Never throws: every commit of the group gets its outcome, success only once the transaction committed.</summary>
    private async Task CommitGroupAsync(List<PendingCommit> group)
    {
        // The writes run to the end whatever happens to the callers' requests: a cancelled one would fail the others.
        var none = CancellationToken.None;
        var applied = new List<PendingCommit>(group.Count);
        try
        {
            await using var connection = await openConnection(none).ConfigureAwait(false);
            // synchronous is per connection and only matters to writers, so readers skip the extra round.
            await SqliteStateStore.ExecuteAsync(connection, "PRAGMA synchronous=NORMAL;", none).ConfigureAwait(false);
            // IMMEDIATE takes the write lock up front, so version checks and writes see one consistent state.
            await SqliteStateStore.ExecuteAsync(connection, "BEGIN IMMEDIATE;", none).ConfigureAwait(false);
            try
            {
                foreach (var commit in group)
                {
                    if (await ApplyInSavepointAsync(connection, commit).ConfigureAwait(false))
                    {
                        applied.Add(commit);
                    }
                }
                await SqliteStateStore.ExecuteAsync(connection, "COMMIT;", none).ConfigureAwait(false);
            }
            catch
            {
                await SqliteFaults.RollbackIfOpenAsync(connection).ConfigureAwait(false);
                throw;
            }
        }
        catch (Exception e)
        {
            // Nothing of the group is committed: whoever had no outcome yet fails with what stopped it.
            foreach (var commit in group)
            {
                commit.Outcome.TrySetException(e);
            }
            return;
        }
        foreach (var commit in applied)
        {
            commit.Outcome.TrySetResult();
        }
    }

    /// <summary>
    /// Applies one commit's writes, keeping them when all apply (true) and rolling back to before them when one does
    /// not (false, the commit's outcome set). Throws when the transaction itself is gone.
    /// </summary>
    private static async Task<bool> ApplyInSavepointAsync(SqliteConnection connection, PendingCommit commit)
    {
        var none = CancellationToken.None;
        await SqliteStateStore.ExecuteAsync(connection, "SAVEPOINT pending;", none).ConfigureAwait(false);
        Exception failure;
        try
        {
            var stale = await FirstStaleWriteAsync(connection, commit.Writes).ConfigureAwait(false);
            if (stale is null)
            {
                await SqliteStateStore.ExecuteAsync(connection, "RELEASE pending;", none).ConfigureAwait(false);
                return true;
            }
            failure = new ConcurrencyConflictException(stale.Kind, stale.Id);
        }
        catch (SqliteException e) when (sqlite3_get_autocommit(connection.Handle) == 0)
        {
            // The transaction is still open, so the error was this commit's statement alone: the others go on.
            failure = e;
        }
        await SqliteStateStore.ExecuteAsync(connection, "ROLLBACK TO pending; RELEASE pending;", none).ConfigureAwait(false);
        commit.Outcome.TrySetException(failure);
        return false;
    }

    private static async Task<RecordWrite?> FirstStaleWriteAsync(SqliteConnection connection, IReadOnlyList<RecordWrite> writes)
    {
        foreach (var write in writes)
        {
            if (!await SqliteStateStore.ApplyAsync(connection, write, CancellationToken.None).ConfigureAwait(false))
            {
                return write;
            }
        }
        return null;
    }

    private sealed class PendingCommit(IReadOnlyList<RecordWrite> writes)
    {
        public IReadOnlyList<RecordWrite> Writes { get; } = writes;

        // Callers continue on the thread pool, not inside the writer's loop, which goes on to the next group.
        public TaskCompletionSource Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
