using System.Data.Common;
using Berth.Core.Events;
using Berth.Store.Sql;

namespace Berth.Store.Events;

/// <summary>
/// The event table's statements, shared by <see cref="SqliteEventLog"/> and the PostgreSQL engine's event log; the latter
/// appends with a statement of its own, which inserts all of an append's events at once.
/// </summary>
internal static class EventSql
{
    /// <summary>
    /// The text of the insert of one event, which takes the next sequence number, in an engine's spelling; built once per
    /// log and the same for every event, so SQLite's writer session prepares it once (<see cref="Sqlite.SqliteSession"/>).
    /// The envelope is bound as its UTF-8 bytes and stored as TEXT (<see cref="SqlDialect.TextFromUtf8(string)"/>, as a
    /// record's body is), so the column reads as it always did and files written before read as they did.
    /// </summary>
    public static string InsertText(SqlDialect dialect) =>
        $"INSERT INTO events (time_ms, cluster, type, data) VALUES (@time, @cluster, @type, {dialect.TextFromUtf8("@data")})";

    /// <summary>The insert of one event, with <paramref name="insertText"/> from <see cref="InsertText"/>.</summary>
    public static SqlStatement Insert(string insertText, EcsEvent e) => new(insertText,
        ("@time", e.Time.ToUnixTimeMilliseconds()), ("@cluster", e.ClusterArn), ("@type", e.DetailType), ("@data", EventEnvelope.ToUtf8(e)));

    public static async Task<IReadOnlyList<LoggedEvent>> ReadAsync(DbConnection connection, EventLogQuery query, CancellationToken cancellationToken)
    {
        // A range of the primary key from the reader's position: a follower reads only what is new, filtered or not.
        await using var command = new SqlStatement("""
            SELECT seq, type, data FROM events
            WHERE seq > @after AND (CAST(@cluster AS TEXT) IS NULL OR cluster = @cluster) AND (CAST(@type AS TEXT) IS NULL OR type = @type)
            ORDER BY seq LIMIT @limit
            """, ("@after", query.After), ("@cluster", query.ClusterArn), ("@type", query.DetailType), ("@limit", query.Limit)).ToCommand(connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var events = new List<LoggedEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new LoggedEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }
        return events;
    }

    public static async Task<long> PruneAsync(DbConnection connection, DbTransaction? transaction, DateTimeOffset olderThan, int keep, CancellationToken cancellationToken)
    {
        await using var command = new SqlStatement("DELETE FROM events WHERE time_ms < @cutoff OR seq <= (SELECT MAX(seq) FROM events) - @keep",
            ("@cutoff", olderThan.ToUnixTimeMilliseconds()), ("@keep", keep)).ToCommand(connection, transaction);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
