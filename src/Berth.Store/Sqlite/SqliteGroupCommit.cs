using Berth.Store.Sql;
using Microsoft.Data.Sqlite;
using static SQLitePCL.raw;

namespace Berth.Store.Sqlite;

/// <summary>
/// Lets one transaction at a time into the file from this process, and puts the commits that queued up meanwhile into
/// the next one together (group commit): a commit whose version check fails rolls back only itself and the others go
/// in (a commit's writes run inside a SAVEPOINT of its own when a changing write has others after it, the only case
/// where a later check could find the commit half applied). Every caller learns its outcome once the whole
/// transaction is committed (durable as any single commit was: WAL with synchronous=NORMAL), never before.
/// </summary>
/// <remarks>
/// Why one writer: SQLite takes one writer anyway, and a second one gets SQLITE_BUSY, which Microsoft.Data.Sqlite
/// retries by blocking its thread in Thread.Sleep(150): under the scale harness (2,000 agents' heartbeats and reports)
/// pool threads spent five times the CPU they used asleep there. Why groups: with one transaction per commit, commits
/// queue behind each other's BEGIN/COMMIT and WAL append; in a group they share one.
/// A failure other than a version conflict (disk full, I/O error) fails the commit that hit it; when SQLite rolled the
/// whole transaction back because of it, every commit of the group fails with it, and none of them changed anything.
/// </remarks>
internal sealed class SqliteGroupCommit(Func<CancellationToken, Task<SqliteSession>> openWriter, SqliteOpeners openers, CommittedRecords committed)
    : IDisposable
{
    /// <summary>Bounds how long the first commit of a group waits for the others' writes.</summary>
    private const int MaxGroup = 256;

    private static readonly SqlStatement Begin = new("BEGIN IMMEDIATE;");
    private static readonly SqlStatement Savepoint = new("SAVEPOINT pending;");
    private static readonly SqlStatement RollbackToSavepoint = new("ROLLBACK TO pending;");
    private static readonly SqlStatement ReleaseSavepoint = new("RELEASE pending;");
    private static readonly SqlStatement Commit = new("COMMIT;");

    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly LinkedList<PendingCommit> _queue = [];

    /// <summary>
    /// The writer's connection with its statements prepared once (BEGIN, SAVEPOINT, the record writes …), used only
    /// by whoever holds <see cref="_writer"/>; opened on the first commit, and again after a failed group.
    /// </summary>
    private SqliteSession? _session;

    /// <summary>Set when a statement of the current group hit a storage fault but the transaction went on.</summary>
    private bool _sessionFaulted;

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

    public void Dispose()
    {
        _session?.Dispose();
        _writer.Dispose();
    }

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
    /// <remarks>
    /// The statements run synchronously: Microsoft.Data.Sqlite's async methods complete synchronously anyway, and the
    /// group holds the writer alone, so an async state machine per statement bought nothing but allocations.
    /// </remarks>
    private async Task CommitGroupAsync(List<PendingCommit> group)
    {
        // The writes run to the end whatever happens to the callers' requests: a cancelled one would fail the others.
        var applied = new List<PendingCommit>(group.Count);
        try
        {
            var session = _session ??= await openWriter(CancellationToken.None).ConfigureAwait(false);
            try
            {
                // IMMEDIATE takes the write lock up front, so version checks and writes see one consistent state.
                session.Execute(Begin);
                // Holding the write lock now: other stores on the file learn of these writes before they commit.
                openers.BeforeWrites();
                foreach (var commit in group)
                {
                    if (Apply(session, commit))
                    {
                        applied.Add(commit);
                    }
                }
                // The committed records are kept before any caller learns its outcome, so a caller's next read sees its commit.
                committed.Commit(() => session.Execute(Commit), applied.SelectMany(commit => commit.Writes));
            }
            catch
            {
                await SqliteFaults.RollbackIfOpenAsync(session.Connection).ConfigureAwait(false);
                throw;
            }
        }
        catch (Exception e)
        {
            // The connection that failed (disk full, I/O error, file gone) is not trusted with the next group.
            RetireSession();
            // Nothing of the group is committed: whoever had no outcome yet fails with what stopped it.
            foreach (var commit in group)
            {
                commit.Outcome.TrySetException(e);
            }
            return;
        }
        if (_sessionFaulted)
        {
            RetireSession();
        }
        foreach (var commit in applied)
        {
            commit.Outcome.TrySetResult();
        }
    }

    private void RetireSession()
    {
        _session?.Dispose();
        _session = null;
        _sessionFaulted = false;
    }

    /// <summary>
    /// Applies one commit's writes, keeping them when all apply (true) and undoing those it made when one does not
    /// (false, the commit's outcome set). Throws when the transaction itself is gone.
    /// </summary>
    private bool Apply(SqliteSession session, PendingCommit commit)
    {
        var savepoint = false;
        Exception? failure = null;
        try
        {
            if (FirstStaleWrite(session, commit.Writes, ref savepoint) is { } stale)
            {
                failure = new ConcurrencyConflictException(stale.Kind, stale.Id);
            }
        }
        catch (SqliteException e) when (sqlite3_get_autocommit(session.Connection.Handle) == 0)
        {
            // The transaction is still open, so the error was this commit's statement alone (SQLite undid that
            // statement): the others go on. A storage fault still retires the connection once the group is done.
            failure = e;
            _sessionFaulted |= SqliteFaults.IsStorageFault(e);
        }
        if (savepoint)
        {
            if (failure is not null)
            {
                session.Execute(RollbackToSavepoint);
            }
            session.Execute(ReleaseSavepoint);
        }
        if (failure is null)
        {
            return true;
        }
        commit.Outcome.TrySetException(failure);
        return false;
    }

    /// <summary>
    /// Runs the writes up to the first whose version check fails (returned; null when all applied). A SAVEPOINT is
    /// opened (<paramref name="savepoint"/>) only before the first write that changes a row and has writes after it:
    /// until then nothing of the commit changed the file (a version assertion only reads, and a write that fails changed
    /// nothing), so a commit of one write runs no SAVEPOINT, RELEASE or ROLLBACK TO at all.
    /// </summary>
    private static RecordWrite? FirstStaleWrite(SqliteSession session, IReadOnlyList<RecordWrite> writes, ref bool savepoint)
    {
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            if (!savepoint && write is not RequireVersion && i < writes.Count - 1)
            {
                session.Execute(Savepoint);
                savepoint = true;
            }
            if (!SqliteStateStore.Apply(session, write))
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
