using Berth.Store.Sql;
using Microsoft.Data.Sqlite;

namespace Berth.Store.Sqlite;

/// <summary>
/// The embedded store of <c>berth up</c>: one SQLite file in WAL mode, so readers never wait for the
/// writer. synchronous=NORMAL in WAL mode keeps every committed transaction across a process crash
/// (kill -9); only a power loss can drop the last commits.
/// </summary>
public sealed class SqliteStateStore : IStateStore
{
    private readonly string _connectionString;
    private readonly string _databasePath;

    /// <summary>
    /// Lets one commit at a time into the file from this process. SQLite takes one writer anyway; without this gate the
    /// others get SQLITE_BUSY, which Microsoft.Data.Sqlite retries by blocking its thread in Thread.Sleep(150): under
    /// the scale harness (2,000 agents' heartbeats and reports) pool threads spent five times the CPU they used asleep
    /// there, and every commit behind them waited 150 ms steps. Queued here, a commit waits for the one before it only.
    /// </summary>
    private readonly SemaphoreSlim _writer = new(1, 1);

    private SqliteStateStore(string connectionString, string databasePath)
    {
        _connectionString = connectionString;
        _databasePath = databasePath;
    }

    public static async Task<SqliteStateStore> OpenAsync(string databasePath, CancellationToken cancellationToken)
    {
        var connectionString = SqliteFiles.ConnectionString(databasePath);
        var store = new SqliteStateStore(connectionString, databasePath);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        await SqliteMigrations.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
        return store;
    }

    public Task<StoredRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => ReadRecordAsync(kind, id, cancellationToken));

    public Task<IReadOnlyList<StoredRecord>> QueryAsync(RecordQuery query, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => ReadRecordsAsync(query, cancellationToken));

    public Task<IReadOnlyList<RecordVersion>> VersionsAsync(RecordQuery query, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => ReadVersionsAsync(query, cancellationToken));

    public Task<int> CountAsync(RecordQuery query, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => CountRecordsAsync(query, cancellationToken));

    public Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => CommitWritesAsync(writes, cancellationToken));

    private async Task<StoredRecord?> ReadRecordAsync(string kind, string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = RecordSql.Get(kind, id).ToCommand(connection);
        return (await RecordSql.ReadAllAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    private async Task<IReadOnlyList<StoredRecord>> ReadRecordsAsync(RecordQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = RecordSql.Query(query).ToCommand(connection);
        return await RecordSql.ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<RecordVersion>> ReadVersionsAsync(RecordQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = RecordSql.Versions(query).ToCommand(connection);
        return await RecordSql.ReadVersionsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> CountRecordsAsync(RecordQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = RecordSql.Count(query).ToCommand(connection);
        return await RecordSql.CountAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private async Task CommitWritesAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CommitInTransactionAsync(writes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task CommitInTransactionAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // synchronous is per connection and only matters to writers, so readers skip the extra round.
        await ExecuteAsync(connection, "PRAGMA synchronous=NORMAL;", cancellationToken).ConfigureAwait(false);
        // IMMEDIATE takes the write lock up front, so version checks and writes see one consistent state.
        await ExecuteAsync(connection, "BEGIN IMMEDIATE;", cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var write in writes)
            {
                if (!await ApplyAsync(connection, write, cancellationToken).ConfigureAwait(false))
                {
                    throw new ConcurrencyConflictException(write.Kind, write.Id);
                }
            }
            await ExecuteAsync(connection, "COMMIT;", cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await SqliteFaults.RollbackIfOpenAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }

    /// <summary>Returns false when the record's version is not the one the write expects.</summary>
    private static async Task<bool> ApplyAsync(SqliteConnection connection, RecordWrite write, CancellationToken cancellationToken)
    {
        await using var command = RecordSql.Write(write, SqlDialect.Sqlite).ToCommand(connection);
        // An assertion returns its one row when it holds; the other writes change one row when they apply.
        return write is RequireVersion
            ? await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null
            : await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken) => SqliteFiles.OpenAsync(_connectionString, cancellationToken);

    internal static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
