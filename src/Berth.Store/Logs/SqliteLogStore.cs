using System.Globalization;
using System.Text;
using Berth.Core.Logs;
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

    private const string GroupColumns =
        "g.id, g.name, g.created_ms, g.retention_days, (SELECT COALESCE(SUM(s.stored_bytes), 0) FROM log_streams s WHERE s.group_id = g.id)";

    private const string StreamColumns = "id, group_id, name, created_ms, first_ts, last_ts, last_ingest_ms, stored_bytes";

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
            await using var command = Command(_writer, "INSERT INTO log_groups (scope, name, created_ms) VALUES ($scope, $name, $created) ON CONFLICT DO NOTHING RETURNING id",
                ("$scope", scope), ("$name", name), ("$created", creationTime));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id
                ? new LogGroupRow(id, name, creationTime, null, 0)
                : null;
        }, cancellationToken);

    public async Task<LogGroupRow?> FindGroupAsync(string scope, string name, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync($"SELECT {GroupColumns} FROM log_groups g WHERE g.scope = $scope AND g.name = $name", ReadGroup, cancellationToken,
            ("$scope", scope), ("$name", name)).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    public Task<IReadOnlyList<LogGroupRow>> ListGroupsAsync(string scope, string? prefix, string? afterName, int limit, CancellationToken cancellationToken) =>
        ReadAsync($"SELECT {GroupColumns} FROM log_groups g WHERE g.scope = $scope AND substr(g.name, 1, length($prefix)) = $prefix AND g.name > $after ORDER BY g.name LIMIT $limit",
            ReadGroup, cancellationToken, ("$scope", scope), ("$prefix", prefix ?? ""), ("$after", afterName ?? ""), ("$limit", limit));

    public Task<IReadOnlyList<LogGroupRow>> ListGroupsWithRetentionAsync(CancellationToken cancellationToken) =>
        ReadAsync($"SELECT {GroupColumns} FROM log_groups g WHERE g.retention_days IS NOT NULL", ReadGroup, cancellationToken);

    public Task DeleteGroupAsync(long groupId, CancellationToken cancellationToken) =>
        InTransactionAsync("DELETE FROM log_events WHERE group_id = $id; DELETE FROM log_streams WHERE group_id = $id; DELETE FROM log_groups WHERE id = $id;",
            groupId, cancellationToken);

    public Task SetRetentionAsync(long groupId, int? retentionInDays, CancellationToken cancellationToken) =>
        WriteAsync(async () =>
        {
            await using var command = Command(_writer, "UPDATE log_groups SET retention_days = $days WHERE id = $id", ("$days", retentionInDays), ("$id", groupId));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<bool> CreateStreamAsync(long groupId, string name, long creationTime, CancellationToken cancellationToken) =>
        WriteAsync(async () =>
        {
            await using var command = Command(_writer, "INSERT INTO log_streams (group_id, name, created_ms) VALUES ($group, $name, $created) ON CONFLICT DO NOTHING",
                ("$group", groupId), ("$name", name), ("$created", creationTime));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    public async Task<LogStreamRow?> FindStreamAsync(long groupId, string name, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync($"SELECT {StreamColumns} FROM log_streams WHERE group_id = $group AND name = $name", ReadStream, cancellationToken,
            ("$group", groupId), ("$name", name)).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    public Task<IReadOnlyList<LogStreamRow>> ListStreamsAsync(long groupId, LogStreamQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {StreamColumns} FROM log_streams WHERE group_id = $group AND substr(name, 1, length($prefix)) = $prefix");
        var comparison = query.Descending ? "<" : ">";
        var order = query.Descending ? "DESC" : "ASC";
        var parameters = new List<(string, object?)> { ("$group", groupId), ("$prefix", query.Prefix ?? ""), ("$limit", query.Limit) };
        if (query.ByLastEventTime)
        {
            // Streams without events sort as time 0, first in ascending order, as CloudWatch lists them.
            if (query.AfterPosition is { } after)
            {
                sql.Append(CultureInfo.InvariantCulture, $" AND (COALESCE(last_ts, 0), id) {comparison} ($ats, $aid)");
                parameters.Add(("$ats", after.Timestamp));
                parameters.Add(("$aid", after.Sequence));
            }
            sql.Append(CultureInfo.InvariantCulture, $" ORDER BY COALESCE(last_ts, 0) {order}, id {order}");
        }
        else
        {
            if (query.AfterName is { } after)
            {
                sql.Append(CultureInfo.InvariantCulture, $" AND name {comparison} $after");
                parameters.Add(("$after", after));
            }
            sql.Append(CultureInfo.InvariantCulture, $" ORDER BY name {order}");
        }
        sql.Append(" LIMIT $limit");
        return ReadAsync(sql.ToString(), ReadStream, cancellationToken, [.. parameters]);
    }

    public Task DeleteStreamAsync(long streamId, CancellationToken cancellationToken) =>
        InTransactionAsync("DELETE FROM log_events WHERE stream_id = $id; DELETE FROM log_streams WHERE id = $id;", streamId, cancellationToken);

    public Task AppendAsync(LogStreamRow stream, IReadOnlyList<NewLogEvent> events, long ingestionTime, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }
        return WriteAsync(async () =>
        {
            await using var transaction = (SqliteTransaction)await _writer.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var insert = Command(_writer, "INSERT INTO log_events (group_id, stream_id, ts, ingest_ms, message) VALUES ($group, $stream, $ts, $ingest, $message)",
                ("$group", stream.GroupId), ("$stream", stream.Id), ("$ts", 0L), ("$ingest", ingestionTime), ("$message", ""));
            insert.Transaction = transaction;
            insert.Prepare();
            var timestamp = insert.Parameters["$ts"];
            var message = insert.Parameters["$message"];
            long bytes = 0, first = long.MaxValue, last = long.MinValue;
            foreach (var e in events)
            {
                timestamp.Value = e.Timestamp;
                message.Value = e.Message;
                // SQLite runs synchronously anyway; the async wrapper only adds a Task per row (10,000 per batch).
#pragma warning disable CA1849
                insert.ExecuteNonQuery();
#pragma warning restore CA1849
                bytes += Encoding.UTF8.GetByteCount(e.Message);
                first = Math.Min(first, e.Timestamp);
                last = Math.Max(last, e.Timestamp);
            }
            await using var update = Command(_writer, """
                UPDATE log_streams SET stored_bytes = stored_bytes + $bytes, last_ingest_ms = $ingest,
                    first_ts = MIN(COALESCE(first_ts, $first), $first), last_ts = MAX(COALESCE(last_ts, $last), $last)
                WHERE id = $stream
                """, ("$bytes", bytes), ("$ingest", ingestionTime), ("$first", first), ("$last", last), ("$stream", stream.Id));
            update.Transaction = transaction;
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<StoredLogEvent>> ReadStreamAsync(long streamId, LogEventQuery query, CancellationToken cancellationToken) =>
        ReadEventsAsync("stream_id = $owner", streamId, null, query, cancellationToken);

    public Task<IReadOnlyList<StoredLogEvent>> ReadGroupAsync(long groupId, IReadOnlyCollection<long>? streamIds, LogEventQuery query, CancellationToken cancellationToken) =>
        ReadEventsAsync("group_id = $owner", groupId, streamIds, query, cancellationToken);

    public async Task<long> DeleteEventsBeforeAsync(long groupId, long before, CancellationToken cancellationToken)
    {
        // In slices, so a sweep over millions of expired events never holds the write lock for long.
        const int slice = 20_000;
        long total = 0;
        while (true)
        {
            var deleted = await WriteAsync(async () =>
            {
                await using var transaction = (SqliteTransaction)await _writer.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using var delete = Command(_writer, """
                    DELETE FROM log_events WHERE id IN
                        (SELECT id FROM log_events WHERE group_id = $group AND ts < $before ORDER BY ts LIMIT $slice)
                    RETURNING stream_id, length(CAST(message AS BLOB))
                    """, ("$group", groupId), ("$before", before), ("$slice", slice));
                delete.Transaction = transaction;
                var freed = new Dictionary<long, long>();
                var count = 0;
                await using (var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        count++;
                        freed[reader.GetInt64(0)] = freed.GetValueOrDefault(reader.GetInt64(0)) + reader.GetInt64(1);
                    }
                }
                foreach (var (streamId, bytes) in freed)
                {
                    await using var update = Command(_writer, "UPDATE log_streams SET stored_bytes = MAX(0, stored_bytes - $bytes) WHERE id = $id",
                        ("$bytes", bytes), ("$id", streamId));
                    update.Transaction = transaction;
                    await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return count;
            }, cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted < slice)
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

    private Task<IReadOnlyList<StoredLogEvent>> ReadEventsAsync(
        string owner, long ownerId, IReadOnlyCollection<long>? streamIds, LogEventQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT id, stream_id, ts, ingest_ms, message FROM log_events WHERE {owner}");
        var parameters = new List<(string, object?)> { ("$owner", ownerId), ("$limit", query.Limit) };
        if (streamIds is not null)
        {
            sql.Append(" AND stream_id IN (").AppendJoin(',', streamIds.Select((_, i) => $"$s{i}")).Append(')');
            parameters.AddRange(streamIds.Select((id, i) => ($"$s{i}", (object?)id)));
        }
        if (query.StartTime is { } start)
        {
            sql.Append(" AND ts >= $start");
            parameters.Add(("$start", start));
        }
        if (query.EndTime is { } end)
        {
            sql.Append(" AND ts < $end");
            parameters.Add(("$end", end));
        }
        if (query.After is { } after)
        {
            sql.Append(" AND (ts, id) > ($ats, $aid)");
            parameters.Add(("$ats", after.Timestamp));
            parameters.Add(("$aid", after.Sequence));
        }
        if (query.Before is { } before)
        {
            sql.Append(" AND (ts, id) < ($bts, $bid)");
            parameters.Add(("$bts", before.Timestamp));
            parameters.Add(("$bid", before.Sequence));
        }
        sql.Append(query.Descending ? " ORDER BY ts DESC, id DESC" : " ORDER BY ts, id").Append(" LIMIT $limit");
        return ReadAsync(sql.ToString(), r => new StoredLogEvent(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4)),
            cancellationToken, [.. parameters]);
    }

    private Task InTransactionAsync(string sql, long id, CancellationToken cancellationToken) =>
        WriteAsync(async () =>
        {
            await using var transaction = (SqliteTransaction)await _writer.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = Command(_writer, sql, ("$id", id));
            command.Transaction = transaction;
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

    private async Task<IReadOnlyList<T>> ReadAsync<T>(string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var connection = await SqliteFiles.OpenAsync(_connectionString, cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }
        return rows;
    }

    private static LogGroupRow ReadGroup(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt32(3), r.GetInt64(4));

    private static LogStreamRow ReadStream(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetInt64(3), NullableLong(r, 4), NullableLong(r, 5), NullableLong(r, 6), r.GetInt64(7));

    private static long? NullableLong(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
