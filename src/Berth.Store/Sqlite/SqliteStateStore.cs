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

    /// <summary>One transaction at a time from this process, with the commits queued meanwhile in the next one.</summary>
    private readonly SqliteGroupCommit _commits;

    private SqliteStateStore(string connectionString, string databasePath)
    {
        _connectionString = connectionString;
        _databasePath = databasePath;
        _commits = new SqliteGroupCommit(OpenConnectionAsync);
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

    public Task<IReadOnlyList<StoredRecord>> GetManyAsync(string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        ids.Count == 0 ? Task.FromResult<IReadOnlyList<StoredRecord>>([]) : SqliteFaults.GuardAsync(_databasePath, () => ReadManyAsync(kind, ids, cancellationToken));

    public Task<IReadOnlyList<StoredRecord>> QueryAsync(RecordQuery query, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => ReadRecordsAsync(query, cancellationToken));

    public Task<IReadOnlyList<RecordVersion>> VersionsAsync(RecordQuery query, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => ReadVersionsAsync(query, cancellationToken));

    public Task<int> CountAsync(RecordQuery query, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => CountRecordsAsync(query, cancellationToken));

    public Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => _commits.CommitAsync(writes, cancellationToken));

    private async Task<StoredRecord?> ReadRecordAsync(string kind, string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = RecordSql.Get(kind, id).ToCommand(connection);
        return (await RecordSql.ReadAllAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    private async Task<IReadOnlyList<StoredRecord>> ReadManyAsync(string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = RecordSql.GetMany(kind, ids, SqlDialect.Sqlite).ToCommand(connection);
        return await RecordSql.ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
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

    public ValueTask DisposeAsync()
    {
        _commits.Dispose();
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }

    /// <summary>Returns false when the record's version is not the one the write expects.</summary>
    internal static async Task<bool> ApplyAsync(SqliteConnection connection, RecordWrite write, CancellationToken cancellationToken)
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
