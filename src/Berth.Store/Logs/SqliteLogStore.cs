using Berth.Store.Sql;
using Berth.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Berth.Store.Logs;

/// <summary>
/// Log events in their own SQLite file (<c>logs.db</c> beside the state database): millions of small rows
/// written in batches would bloat the state file and hold its write lock. One row per event, with indexes on
/// (stream, timestamp, sequence) for GetLogEvents and (group, timestamp, sequence) for FilterLogEvents, so every
/// read is a range scan. One writer connection appends each PutLogEvents batch in a single transaction;
/// readers use their own connections, which WAL mode never blocks.
/// </summary>
public sealed class SqliteLogStore : ILogStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS log_groups (
            id INTEGER PRIMARY KEY,
            scope TEXT NOT NULL,
            name TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            retention_days INTEGER,
            UNIQUE (scope, name)
        );
        CREATE TABLE IF NOT EXISTS log_streams (
            id INTEGER PRIMARY KEY,
            group_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            first_ts INTEGER,
            last_ts INTEGER,
            last_ingest_ms INTEGER,
            stored_bytes INTEGER NOT NULL DEFAULT 0,
            UNIQUE (group_id, name)
        );
        CREATE TABLE IF NOT EXISTS log_events (
            id INTEGER PRIMARY KEY,
            group_id INTEGER NOT NULL,
            stream_id INTEGER NOT NULL,
            ts INTEGER NOT NULL,
            ingest_ms INTEGER NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS log_events_by_stream ON log_events (stream_id, ts, id);
        CREATE INDEX IF NOT EXISTS log_events_by_group ON log_events (group_id, ts, id);
        """;

    private readonly string _connectionString;
    private readonly string _databasePath;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private SqliteLogStore(string connectionString, string databasePath, SqliteConnection writer)
    {
        _connectionString = connectionString;
        _databasePath = databasePath;
        _writer = writer;
    }

    public static async Task<SqliteLogStore> OpenAsync(string databasePath, CancellationToken cancellationToken)
    {
        var connectionString = SqliteFiles.ConnectionString(databasePath);
        var writer = await SqliteFiles.OpenAsync(connectionString, cancellationToken).ConfigureAwait(false);
        // WAL with synchronous=NORMAL keeps every committed batch across a process crash (see SqliteStateStore).
        await ExecuteAsync(writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + Schema, cancellationToken).ConfigureAwait(false);
        return new SqliteLogStore(connectionString, databasePath, writer);
    }

    public Task<LogGroupRow?> CreateGroupAsync(string scope, string name, long creationTime, CancellationToken cancellationToken) =>
        WriteAsync(async () =>
        {
            await using var command = LogSql.CreateGroup(scope, name, creationTime).ToCommand(_writer);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id
                ? new LogGroupRow(id, name, creationTime, null, 0)
                : null;
        }, cancellationToken);

    public async Task<LogGroupRow?> FindGroupAsync(string scope, string name, CancellationToken cancellationToken) =>
        (await ReadAsync(LogSql.FindGroup(scope, name), LogSql.ReadGroup, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public Task<IReadOnlyList<LogGroupRow>> ListGroupsAsync(string scope, string? prefix, string? afterName, int limit, CancellationToken cancellationToken) =>
        ReadAsync(LogSql.ListGroups(scope, prefix, afterName, limit), LogSql.ReadGroup, cancellationToken);

    public Task<IReadOnlyList<LogGroupRow>> ListGroupsWithRetentionAsync(CancellationToken cancellationToken) =>
        ReadAsync(LogSql.ListGroupsWithRetention(), LogSql.ReadGroup, cancellationToken);

    public Task DeleteGroupAsync(long groupId, CancellationToken cancellationToken) => InTransactionAsync(LogSql.DeleteGroup(groupId), cancellationToken);

    public Task SetRetentionAsync(long groupId, int? retentionInDays, CancellationToken cancellationToken) =>
        WriteAsync(async () =>
        {
            await using var command = LogSql.SetRetention(groupId, retentionInDays).ToCommand(_writer);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<bool> CreateStreamAsync(long groupId, string name, long creationTime, CancellationToken cancellationToken) =>
        WriteAsync(async () =>
        {
            await using var command = LogSql.CreateStream(groupId, name, creationTime).ToCommand(_writer);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    public async Task<LogStreamRow?> FindStreamAsync(long groupId, string name, CancellationToken cancellationToken) =>
        (await ReadAsync(LogSql.FindStream(groupId, name), LogSql.ReadStream, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public Task<IReadOnlyList<LogStreamRow>> ListStreamsAsync(long groupId, LogStreamQuery query, CancellationToken cancellationToken) =>
        ReadAsync(LogSql.ListStreams(groupId, query), LogSql.ReadStream, cancellationToken);

    public Task DeleteStreamAsync(long streamId, CancellationToken cancellationToken) => InTransactionAsync(LogSql.DeleteStream(streamId), cancellationToken);

    public Task AppendAsync(LogStreamRow stream, IReadOnlyList<NewLogEvent> events, long ingestionTime, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }
        return WriteAsync(async () =>
        {
            await using var transaction = (SqliteTransaction)await _writer.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var insert = _writer.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO log_events (group_id, stream_id, ts, ingest_ms, message) VALUES (@group, @stream, @ts, @ingest, @message)";
            insert.Parameters.AddWithValue("@group", stream.GroupId);
            insert.Parameters.AddWithValue("@stream", stream.Id);
            insert.Parameters.AddWithValue("@ingest", ingestionTime);
            var timestamp = insert.Parameters.AddWithValue("@ts", 0L);
            var message = insert.Parameters.AddWithValue("@message", "");
            insert.Prepare();
            foreach (var e in events)
            {
                timestamp.Value = e.Timestamp;
                message.Value = e.Message;
                // SQLite runs synchronously anyway; the async wrapper only adds a Task per row (10,000 per batch).
#pragma warning disable CA1849
                insert.ExecuteNonQuery();
#pragma warning restore CA1849
            }
            await using var update = LogSql.UpdateStreamAfterAppend(SqlDialect.Sqlite, stream.Id, events, ingestionTime).ToCommand(_writer, transaction);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<StoredLogEvent>> ReadStreamAsync(long streamId, LogEventQuery query, CancellationToken cancellationToken) =>
        ReadAsync(LogSql.ReadEvents("stream_id", streamId, null, query), LogSql.ReadEvent, cancellationToken);

    public Task<IReadOnlyList<StoredLogEvent>> ReadGroupAsync(long groupId, IReadOnlyCollection<long>? streamIds, LogEventQuery query, CancellationToken cancellationToken) =>
        ReadAsync(LogSql.ReadEvents("group_id", groupId, streamIds, query), LogSql.ReadEvent, cancellationToken);

    public async Task<long> DeleteEventsBeforeAsync(long groupId, long before, CancellationToken cancellationToken)
    {
        // In slices, so a sweep over millions of expired events never holds the write lock for long.
        long total = 0;
        while (true)
        {
            var deleted = await WriteAsync(async () =>
            {
                await using var transaction = (SqliteTransaction)await _writer.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                var count = await LogDeletion.DeleteSliceAsync(SqlDialect.Sqlite, _writer, transaction, groupId, before, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return count;
            }, cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted < LogDeletion.Slice)
            {
                return total;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        _writeLock.Dispose();
    }

    private Task InTransactionAsync(SqlStatement statement, CancellationToken cancellationToken) =>
        WriteAsync(async () =>
        {
            await using var transaction = (SqliteTransaction)await _writer.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = statement.ToCommand(_writer, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    private async Task<T> WriteAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SqliteFaults.GuardAsync(_databasePath, write).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<IReadOnlyList<T>> ReadAsync<T>(SqlStatement statement, Func<System.Data.Common.DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteFiles.OpenAsync(_connectionString, cancellationToken).ConfigureAwait(false);
        await using var command = statement.ToCommand(connection);
        return await LogSql.ReadAllAsync(command, read, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
