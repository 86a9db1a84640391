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

    public Task<int> CountAsync(RecordQuery query, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => CountRecordsAsync(query, cancellationToken));

    public Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken) =>
        SqliteFaults.GuardAsync(_databasePath, () => CommitWritesAsync(writes, cancellationToken));

    private async Task<StoredRecord?> ReadRecordAsync(string kind, string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind, id, scope, sort_key, version, body FROM records WHERE kind = $kind AND id = $id";
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRecord(reader) : null;
    }

    private async Task<IReadOnlyList<StoredRecord>> ReadRecordsAsync(RecordQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var sql = new System.Text.StringBuilder("SELECT kind, id, scope, sort_key, version, body FROM records");
        AppendFilter(sql, command, query);
        var orderColumn = query.Scope is null ? "id" : "sort_key";
        if (query.After is not null)
        {
            sql.Append(query.Descending ? $" AND {orderColumn} < $after" : $" AND {orderColumn} > $after");
            command.Parameters.AddWithValue("$after", query.After);
        }
        sql.Append(query.Descending ? $" ORDER BY {orderColumn} DESC" : $" ORDER BY {orderColumn} ASC");
        if (query.Limit is { } limit)
        {
            sql.Append(" LIMIT $limit");
            command.Parameters.AddWithValue("$limit", limit);
        }
        command.CommandText = sql.ToString();
        var records = new List<StoredRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(ReadRecord(reader));
        }
        return records;
    }

    private async Task<int> CountRecordsAsync(RecordQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var sql = new System.Text.StringBuilder("SELECT COUNT(*) FROM records");
        AppendFilter(sql, command, query);
        command.CommandText = sql.ToString();
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void AppendFilter(System.Text.StringBuilder sql, SqliteCommand command, RecordQuery query)
    {
        sql.Append(" WHERE kind = $kind");
        command.Parameters.AddWithValue("$kind", query.Kind);
        if (query.Scope is not null)
        {
            sql.Append(" AND scope = $scope");
            command.Parameters.AddWithValue("$scope", query.Scope);
        }
        if (query.SortKeyPrefix is { Length: > 0 } prefix)
        {
            // A range instead of LIKE: LIKE treats % and _ in names as wildcards and cannot use the index.
            // Keys compare as UTF-8 bytes; U+10FFFF is the largest code point, so prefix + U+10FFFF sorts after
            // every key that continues the prefix with a real character (char.MaxValue missed those above U+FFFF).
            sql.Append(" AND sort_key >= $prefix AND sort_key < $prefixEnd");
            command.Parameters.AddWithValue("$prefix", prefix);
            command.Parameters.AddWithValue("$prefixEnd", prefix + "\U0010FFFF");
        }
    }

    private async Task CommitWritesAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
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
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }

    /// <summary>Returns false when the record's version is not the one the write expects.</summary>
    private static async Task<bool> ApplyAsync(SqliteConnection connection, RecordWrite write, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$kind", write.Kind);
        command.Parameters.AddWithValue("$id", write.Id);
        command.Parameters.AddWithValue("$expected", write.ExpectedVersion);
        switch (write)
        {
            case PutRecord put when put.ExpectedVersion == 0:
                command.CommandText = """
                    INSERT INTO records (kind, id, scope, sort_key, version, body)
                    VALUES ($kind, $id, $scope, $sortKey, 1, $body)
                    ON CONFLICT (kind, id) DO NOTHING
                    """;
                AddBody(command, put);
                break;
            case PutRecord put:
                command.CommandText = """
                    UPDATE records SET scope = $scope, sort_key = $sortKey, body = $body, version = version + 1
                    WHERE kind = $kind AND id = $id AND version = $expected
                    """;
                AddBody(command, put);
                break;
            case DeleteRecord:
                command.CommandText = "DELETE FROM records WHERE kind = $kind AND id = $id AND version = $expected";
                break;
            case RequireVersion:
                // Inside the IMMEDIATE transaction, so the version read here is the one the commit applies against.
                command.CommandText = """
                    SELECT CASE WHEN $expected = 0
                        THEN NOT EXISTS (SELECT 1 FROM records WHERE kind = $kind AND id = $id)
                        ELSE EXISTS (SELECT 1 FROM records WHERE kind = $kind AND id = $id AND version = $expected) END
                    """;
                return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1;
            default:
                throw new ArgumentException($"Unknown write {write.GetType().Name}.", nameof(write));
        }
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static void AddBody(SqliteCommand command, PutRecord put)
    {
        command.Parameters.AddWithValue("$scope", put.Scope);
        command.Parameters.AddWithValue("$sortKey", put.SortKey);
        command.Parameters.AddWithValue("$body", put.Body);
    }

    private static StoredRecord ReadRecord(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5));

    private Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken) => SqliteFiles.OpenAsync(_connectionString, cancellationToken);

    internal static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
