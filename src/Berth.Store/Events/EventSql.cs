using System.Data.Common;
using Berth.Core.Events;
using Berth.Store.Sql;

namespace Berth.Store.Events;

/// <summary>The event table's statements, shared by <see cref="SqliteEventLog"/> and the PostgreSQL engine's event log.</summary>
internal static class EventSql
{
    /// <summary>Inserts the events in order, each taking the next sequence number.</summary>
    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<EcsEvent> events, CancellationToken cancellationToken)
    {
        await using var insert = new SqlStatement("INSERT INTO events (time_ms, cluster, type, data) VALUES (@time, @cluster, @type, @data)",
            ("@time", 0L), ("@cluster", ""), ("@type", ""), ("@data", "")).ToCommand(connection, transaction);
        var (time, cluster, type, data) = (insert.Parameters[0], insert.Parameters[1], insert.Parameters[2], insert.Parameters[3]);
        foreach (var e in events)
        {
            time.Value = e.Time.ToUnixTimeMilliseconds();
            cluster.Value = e.ClusterArn;
            type.Value = e.DetailType;
            data.Value = EventEnvelope.ToJson(e);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

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
