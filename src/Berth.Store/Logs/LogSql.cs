using System.Data.Common;
using System.Globalization;
using System.Text;
using Berth.Store.Sql;

namespace Berth.Store.Logs;

/// <summary>
/// The log tables' statements and row mapping, shared by <see cref="SqliteLogStore"/> and the PostgreSQL engine's
/// log store: the same tables, indexes and keyset reads in both.
/// </summary>
internal static class LogSql
{
    private const string GroupColumns =
        "g.id, g.name, g.created_ms, g.retention_days, CAST((SELECT COALESCE(SUM(s.stored_bytes), 0) FROM log_streams s WHERE s.group_id = g.id) AS BIGINT)";

    private const string StreamColumns = "id, group_id, name, created_ms, first_ts, last_ts, last_ingest_ms, stored_bytes";

    public static SqlStatement CreateGroup(string scope, string name, long creationTime) =>
        new("INSERT INTO log_groups (scope, name, created_ms) VALUES (@scope, @name, @created) ON CONFLICT DO NOTHING RETURNING id",
            ("@scope", scope), ("@name", name), ("@created", creationTime));

    public static SqlStatement FindGroup(string scope, string name) =>
        new($"SELECT {GroupColumns} FROM log_groups g WHERE g.scope = @scope AND g.name = @name", ("@scope", scope), ("@name", name));

    public static SqlStatement ListGroups(string scope, string? prefix, string? afterName, int limit) =>
        new($"SELECT {GroupColumns} FROM log_groups g WHERE g.scope = @scope AND substr(g.name, 1, length(@prefix)) = @prefix AND g.name > @after ORDER BY g.name LIMIT @limit",
            ("@scope", scope), ("@prefix", prefix ?? ""), ("@after", afterName ?? ""), ("@limit", limit));

    public static SqlStatement ListGroupsWithRetention() => new($"SELECT {GroupColumns} FROM log_groups g WHERE g.retention_days IS NOT NULL");

    public static SqlStatement DeleteGroup(long groupId) =>
        new("DELETE FROM log_events WHERE group_id = @id; DELETE FROM log_streams WHERE group_id = @id; DELETE FROM log_groups WHERE id = @id;", ("@id", groupId));

    public static SqlStatement SetRetention(long groupId, int? retentionInDays) =>
        new("UPDATE log_groups SET retention_days = CAST(@days AS INTEGER) WHERE id = @id", ("@days", retentionInDays), ("@id", groupId));

    public static SqlStatement CreateStream(long groupId, string name, long creationTime) =>
        new("INSERT INTO log_streams (group_id, name, created_ms) VALUES (@group, @name, @created) ON CONFLICT DO NOTHING",
            ("@group", groupId), ("@name", name), ("@created", creationTime));

    public static SqlStatement FindStream(long groupId, string name) =>
        new($"SELECT {StreamColumns} FROM log_streams WHERE group_id = @group AND name = @name", ("@group", groupId), ("@name", name));

    public static SqlStatement ListStreams(long groupId, LogStreamQuery query)
    {
        var sql = new StringBuilder($"SELECT {StreamColumns} FROM log_streams WHERE group_id = @group AND substr(name, 1, length(@prefix)) = @prefix");
        var comparison = query.Descending ? "<" : ">";
        var order = query.Descending ? "DESC" : "ASC";
        var parameters = new List<(string, object?)> { ("@group", groupId), ("@prefix", query.Prefix ?? ""), ("@limit", query.Limit) };
        if (query.ByLastEventTime)
        {
            // Streams without events sort as time 0, first in ascending order, as CloudWatch lists them.
            if (query.AfterPosition is { } after)
            {
                sql.Append(CultureInfo.InvariantCulture, $" AND (COALESCE(last_ts, 0), id) {comparison} (@ats, @aid)");
                parameters.Add(("@ats", after.Timestamp));
                parameters.Add(("@aid", after.Sequence));
            }
            sql.Append(CultureInfo.InvariantCulture, $" ORDER BY COALESCE(last_ts, 0) {order}, id {order}");
        }
        else
        {
            if (query.AfterName is { } after)
            {
                sql.Append(CultureInfo.InvariantCulture, $" AND name {comparison} @after");
                parameters.Add(("@after", after));
            }
            sql.Append(CultureInfo.InvariantCulture, $" ORDER BY name {order}");
        }
        sql.Append(" LIMIT @limit");
        return new SqlStatement(sql.ToString(), parameters);
    }

    public static SqlStatement DeleteStream(long streamId) =>
        new("DELETE FROM log_events WHERE stream_id = @id; DELETE FROM log_streams WHERE id = @id;", ("@id", streamId));

    /// <summary>What an appended batch changes in its stream's row: stored bytes, ingestion time and the event time range.</summary>
    public static SqlStatement UpdateStreamAfterAppend(SqlDialect dialect, long streamId, IReadOnlyList<NewLogEvent> events, long ingestionTime)
    {
        long bytes = 0, first = long.MaxValue, last = long.MinValue;
        foreach (var e in events)
        {
            bytes += Encoding.UTF8.GetByteCount(e.Message);
            first = Math.Min(first, e.Timestamp);
            last = Math.Max(last, e.Timestamp);
        }
        return new($"""
            UPDATE log_streams SET stored_bytes = stored_bytes + @bytes, last_ingest_ms = @ingest,
                first_ts = {dialect.Least}(COALESCE(first_ts, @first), @first), last_ts = {dialect.Greatest}(COALESCE(last_ts, @last), @last)
            WHERE id = @stream
            """, ("@bytes", bytes), ("@ingest", ingestionTime), ("@first", first), ("@last", last), ("@stream", streamId));
    }

    /// <summary>
    /// Deletes up to <paramref name="slice"/> of the group's oldest events before a time, returning each one's stream and
    /// size, so the streams' stored bytes can be lowered by as much.
    /// </summary>
    public static SqlStatement DeleteEventsBefore(SqlDialect dialect, long groupId, long before, int slice) =>
        new($"""
            DELETE FROM log_events WHERE id IN
                (SELECT id FROM log_events WHERE group_id = @group AND ts < @before ORDER BY ts LIMIT @slice)
            RETURNING stream_id, {dialect.ByteLength("message")}
            """, ("@group", groupId), ("@before", before), ("@slice", slice));

    public static SqlStatement ReleaseStoredBytes(SqlDialect dialect, long streamId, long bytes) =>
        new($"UPDATE log_streams SET stored_bytes = {dialect.Greatest}(0, stored_bytes - @bytes) WHERE id = @id", ("@bytes", bytes), ("@id", streamId));

    /// <summary>Events of a stream (<paramref name="owner"/> stream_id) or a group (group_id) in (timestamp, sequence) order.</summary>
    public static SqlStatement ReadEvents(string owner, long ownerId, IReadOnlyCollection<long>? streamIds, LogEventQuery query)
    {
        var sql = new StringBuilder($"SELECT id, stream_id, ts, ingest_ms, message FROM log_events WHERE {owner} = @owner");
        var parameters = new List<(string, object?)> { ("@owner", ownerId), ("@limit", query.Limit) };
        if (streamIds is not null)
        {
            sql.Append(" AND stream_id IN (").AppendJoin(',', streamIds.Select((_, i) => $"@s{i}")).Append(')');
            parameters.AddRange(streamIds.Select((id, i) => ($"@s{i}", (object?)id)));
        }
        if (query.StartTime is { } start)
        {
            sql.Append(" AND ts >= @start");
            parameters.Add(("@start", start));
        }
        if (query.EndTime is { } end)
        {
            sql.Append(" AND ts < @end");
            parameters.Add(("@end", end));
        }
        if (query.After is { } after)
        {
            sql.Append(" AND (ts, id) > (@ats, @aid)");
            parameters.Add(("@ats", after.Timestamp));
            parameters.Add(("@aid", after.Sequence));
        }
        if (query.Before is { } before)
        {
            sql.Append(" AND (ts, id) < (@bts, @bid)");
            parameters.Add(("@bts", before.Timestamp));
            parameters.Add(("@bid", before.Sequence));
        }
        sql.Append(query.Descending ? " ORDER BY ts DESC, id DESC" : " ORDER BY ts, id").Append(" LIMIT @limit");
        return new SqlStatement(sql.ToString(), parameters);
    }

    public static LogGroupRow ReadGroup(DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt32(3), r.GetInt64(4));

    public static LogStreamRow ReadStream(DbDataReader r) =>
        new(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetInt64(3), NullableLong(r, 4), NullableLong(r, 5), NullableLong(r, 6), r.GetInt64(7));

    public static StoredLogEvent ReadEvent(DbDataReader r) => new(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4));

    public static async Task<IReadOnlyList<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }
        return rows;
    }

    private static long? NullableLong(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
}
