using Berth.Store.Sql;
using Npgsql;

namespace Berth.Store.Postgres;

/// <summary>
/// The state on PostgreSQL, for several servers sharing one database. Statements are the SQLite engine's
/// (<see cref="RecordSql"/>); a commit is one transaction at READ COMMITTED sent as one batch, without BEGIN or COMMIT:
/// each write checks that it applied and fails the transaction when it did not (<see cref="PostgresWrites"/>), so a
/// commit costs one round trip. A guarded write that
/// waits for a concurrent transaction on the same row re-checks the version on the row that transaction left, so of
/// two writers computed from the same version one changes the row and the other changes nothing and fails: no update
/// is lost. Rows are written in (kind, id) order, so two commits never wait on each other in a cycle. A
/// <see cref="RequireVersion"/> locks the row it reads (FOR SHARE) until the commit ends, so whoever moves that record
/// (a new lease holder) waits for the commit, and a commit that waited on them sees their version and fails. Asserting
/// that a record does not exist cannot lock the row that is not there: an insert racing such a commit may land with it.
/// </summary>
public sealed class PostgresStateStore(PostgresDatabase database) : IStateStore
{
    private readonly RecordStatistics _statistics = new(database);

    /// <summary>The table statistics this store keeps up to date (tests wait for its analyses).</summary>
    internal RecordStatistics Statistics => _statistics;

    public Task<StoredRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken) =>
        database.GuardAsync(async () => (await ReadAsync(RecordSql.Get(kind, id), cancellationToken).ConfigureAwait(false)).SingleOrDefault());

    public Task<IReadOnlyList<StoredRecord>> GetManyAsync(string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        ids.Count == 0
            ? Task.FromResult<IReadOnlyList<StoredRecord>>([])
            : database.GuardAsync<IReadOnlyList<StoredRecord>>(async () => await ReadAsync(RecordSql.GetMany(kind, ids, SqlDialect.Postgres), cancellationToken).ConfigureAwait(false));

    public Task<IReadOnlyList<StoredRecord>> QueryAsync(RecordQuery query, CancellationToken cancellationToken) =>
        database.GuardAsync<IReadOnlyList<StoredRecord>>(async () => await ReadAsync(RecordSql.Query(query), cancellationToken).ConfigureAwait(false));

    public Task<IReadOnlyList<RecordVersion>> VersionsAsync(RecordQuery query, CancellationToken cancellationToken) =>
        database.GuardAsync<IReadOnlyList<RecordVersion>>(async () =>
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = RecordSql.Versions(query).ToCommand(connection);
            return await RecordSql.ReadVersionsAsync(command, cancellationToken).ConfigureAwait(false);
        });

    public Task<int> CountAsync(RecordQuery query, CancellationToken cancellationToken) =>
        database.GuardAsync(async () =>
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = RecordSql.Count(query).ToCommand(connection);
            return await RecordSql.CountAsync(command, cancellationToken).ConfigureAwait(false);
        });

    public Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken) =>
        writes.Count == 0 ? Task.CompletedTask : database.GuardAsync(() => CommitWritesAsync(writes, cancellationToken));

    /// <summary>The database belongs to whoever opened it.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<List<StoredRecord>> ReadAsync(SqlStatement statement, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = statement.ToCommand(connection);
        return await RecordSql.ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private async Task CommitWritesAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        // Stable: writes of one record keep their order, as later ones expect the versions earlier ones make.
        var ordered = writes.OrderBy(w => w.Kind, StringComparer.Ordinal).ThenBy(w => w.Id, StringComparer.Ordinal).ToArray();
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // No BEGIN: the batch is one implicit transaction, committed when its last statement ended, in one round trip.
        await using var batch = new NpgsqlBatch(connection);
        var statements = PostgresWrites.Plan(ordered);
        var commands = statements.Select(s => (NpgsqlBatchCommand)s.Statement.AddTo(batch)).ToArray();
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresWrites.NotApplied or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
        {
            // A write that did not apply, or a race with another writer all the same: nothing is committed, and the
            // caller re-reads and re-plans, as after any conflict. Each statement that ended returned its one row; the
            // one that failed and those after it returned none. The conflict names the write that statement did not apply.
            var failed = PostgresWrites.FailedWrite(e, statements[Math.Max(0, Array.FindIndex(commands, c => c.Rows == 0))].Writes);
            throw new ConcurrencyConflictException(failed.Kind, failed.Id);
        }
        _statistics.Inserted(writes.Count(w => w is PutRecord { ExpectedVersion: 0 }));
    }
}
