using Berth.Store.Sql;
using Microsoft.Data.Sqlite;

namespace Berth.Store.Sqlite;

/// <summary>
/// The embedded store of <c>berth up</c>: one SQLite file in WAL mode, so readers never wait for the
/// writer. synchronous=NORMAL in WAL mode keeps every committed transaction across a process crash
/// (kill -9); only a power loss can drop the last commits. The records its own commits wrote are read back from memory
/// (<see cref="CommittedRecords"/>) while no other store has opened the file (<see cref="SqliteOpeners"/>).
/// </summary>
public sealed class SqliteStateStore : IStateStore
{
    /// <summary>synchronous is per connection and only matters to the writer.</summary>
    private static readonly string[] WriterPragmas = ["PRAGMA synchronous=NORMAL;"];

    /// <summary>
    /// None: SQLite drops a reader's page cache once the WAL changed, so a larger cache_size does not outlast the next
    /// commit, and mmap_size covers the main file but not the WAL frames the newest pages are in (measured:
    /// docs/performance.md, "prepared statements").
    /// </summary>
    private static readonly string[] ReaderPragmas = [];

    private readonly string _databasePath;

    /// <summary>Long-lived reader connections with their prepared statements, a few per core: reads run on the calling thread.</summary>
    private readonly SqliteSessionPool _readers;

    /// <summary>One transaction at a time from this process, with the commits queued meanwhile in the next one.</summary>
    private readonly SqliteGroupCommit _commits;

    /// <summary>Whether another store has opened the file since this one did (then nothing is answered from memory).</summary>
    private readonly SqliteOpeners _openers;

    /// <summary>What this store committed, answered without reading the file while it is alone on it.</summary>
    private readonly CommittedRecords _committed;

    private SqliteStateStore(string databasePath, SqliteOpeners openers, long cacheBudgetBytes)
    {
        _databasePath = databasePath;
        _openers = openers;
        _committed = new CommittedRecords(openers, cacheBudgetBytes);
        _readers = new SqliteSessionPool(cancellationToken => SqliteSession.OpenAsync(databasePath, ReaderPragmas, cancellationToken), Environment.ProcessorCount * 2);
        _commits = new SqliteGroupCommit(cancellationToken => SqliteSession.OpenAsync(databasePath, WriterPragmas, cancellationToken), openers, _committed);
    }

    /// <summary>What this store's commits left in memory (for tests).</summary>
    internal CommittedRecords Committed => _committed;

    public static Task<SqliteStateStore> OpenAsync(string databasePath, CancellationToken cancellationToken) =>
        OpenAsync(databasePath, CommittedRecords.DefaultBudgetBytes, cancellationToken);

    /// <summary>Opens the store with a budget for the records its commits keep in memory (tests use a small one).</summary>
    internal static async Task<SqliteStateStore> OpenAsync(string databasePath, long cacheBudgetBytes, CancellationToken cancellationToken)
    {
        // Counted before this store's first read or write, the migrations' included (SqliteOpeners says why).
        var openers = SqliteOpeners.Open(databasePath);
        try
        {
            using (var session = await SqliteSession.OpenAsync(databasePath, ["PRAGMA journal_mode=WAL;"], cancellationToken).ConfigureAwait(false))
            {
                await SqliteMigrations.ApplyAsync(session.Connection, cancellationToken).ConfigureAwait(false);
            }
            return new SqliteStateStore(databasePath, openers, cacheBudgetBytes);
        }
        catch
        {
            openers.Dispose();
            throw;
        }
    }

    public Task<StoredRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken) =>
        _committed.TryGet(kind, id, out var record)
            ? Task.FromResult(record)
            : SqliteFaults.GuardAsync(_databasePath, () => ReadRecordAsync(kind, id, cancellationToken));

    public Task<IReadOnlyList<StoredRecord>> GetManyAsync(string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        ids.Count == 0
            ? Task.FromResult<IReadOnlyList<StoredRecord>>([])
            : SqliteFaults.GuardAsync(_databasePath, () => _committed.GetMany(kind, ids, unknown => ReadManyAsync(kind, unknown, cancellationToken)));

    public Task<IReadOnlyList<StoredRecord>> QueryAsync(RecordQuery query, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => ReadRecordsAsync(query, cancellationToken));

    public Task<IReadOnlyList<RecordVersion>> VersionsAsync(RecordQuery query, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => ReadVersionsAsync(query, cancellationToken));

    public Task<int> CountAsync(RecordQuery query, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => CountRecordsAsync(query, cancellationToken));

    public Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => _commits.CommitAsync(writes, cancellationToken));

    private async Task<StoredRecord?> ReadRecordAsync(string kind, string id, CancellationToken cancellationToken) =>
        (await _readers.UseAsync(session => RecordSql.ReadAllAsync(session.Command(RecordSql.Get(kind, id)), cancellationToken), cancellationToken)
            .ConfigureAwait(false)).SingleOrDefault();

    private async Task<IReadOnlyList<StoredRecord>> ReadManyAsync(string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        await _readers.UseAsync(session => RecordSql.ReadAllAsync(session.Command(RecordSql.GetMany(kind, ids, SqlDialect.Sqlite)), cancellationToken), cancellationToken)
            .ConfigureAwait(false);

    private async Task<IReadOnlyList<StoredRecord>> ReadRecordsAsync(RecordQuery query, CancellationToken cancellationToken) =>
        await _readers.UseAsync(session => RecordSql.ReadAllAsync(session.Command(RecordSql.Query(query)), cancellationToken), cancellationToken).ConfigureAwait(false);

    private async Task<IReadOnlyList<RecordVersion>> ReadVersionsAsync(RecordQuery query, CancellationToken cancellationToken) =>
        await _readers.UseAsync(session => RecordSql.ReadVersionsAsync(session.Command(RecordSql.Versions(query)), cancellationToken), cancellationToken).ConfigureAwait(false);

    private Task<int> CountRecordsAsync(RecordQuery query, CancellationToken cancellationToken) =>
        _readers.UseAsync(session => RecordSql.CountAsync(session.Command(RecordSql.Count(query)), cancellationToken), cancellationToken);

    public ValueTask DisposeAsync()
    {
        _readers.Dispose();
        _commits.Dispose();
        _openers.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Returns false when the record's version is not the one the write expects.</summary>
    internal static bool Apply(SqliteSession session, RecordWrite write)
    {
        // Most puts of an existing record leave its keys as they were: then the body alone is written (UpdateBody says why).
        if (write is PutRecord { ExpectedVersion: > 0 } put && session.Command(UpdateBody(put)).ExecuteNonQuery() == 1)
        {
            return true;
        }
        var command = session.Command(RecordSql.Write(write, SqlDialect.Sqlite));
        // An assertion returns its one row when it holds; the other writes change one row when they apply.
        return write is RequireVersion ? command.ExecuteScalar() is not null : command.ExecuteNonQuery() == 1;
    }

    private static readonly string UpdateBodyText = $"""
        UPDATE records SET body = {SqlDialect.Sqlite.TextFromUtf8("@body")}, version = version + 1
        WHERE kind = @kind AND id = @id AND version = @expected AND scope = @scope AND sort_key = @sortKey AND index_key IS @indexKey
        """;

    /// <summary>
    /// A put of an existing record as a write of its body and version alone, which changes one row only when the record
    /// is at the expected version and its scope, sort key and index key (IS: NULL equal to NULL) are those of the put
    /// already; when it changes none, the put is <see cref="RecordSql.Write"/>'s to decide. SQLite rewrites an index's
    /// entry whenever an UPDATE sets one of the index's columns, even to the value it had (most of the cost of an
    /// update, docs/performance.md "the SQLite writer per commit"), and a record's keys seldom move: a task's only with
    /// its desired status. PostgreSQL needs no such statement: an update that leaves every indexed column's value as
    /// it was adds no index entries (a HOT update).
    /// </summary>
    private static SqlStatement UpdateBody(PutRecord put) => new(
        UpdateBodyText,
        ("@kind", put.Kind), ("@id", put.Id), ("@expected", put.ExpectedVersion), ("@scope", put.Scope), ("@sortKey", put.SortKey), ("@body", put.Body),
        ("@indexKey", put.IndexKey));

    internal static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
