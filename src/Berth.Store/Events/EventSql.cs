using System.Data.Common;
using Berth.Core.Events;
using Berth.Store.Sql;

namespace Berth.Store.Events;

/// <summary>
/// The event table's statements that <see cref="SqliteEventLog"/> and the PostgreSQL engine's event log share: the reads.
/// Each appends its own way (SQLite a prepared insert per event, PostgreSQL one insert of all of an append's events).
/// </summary>
internal static class EventSql
{
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
