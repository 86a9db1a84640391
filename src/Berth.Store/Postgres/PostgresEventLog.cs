using Berth.Core.Concurrency;
using Berth.Core.Events;
using Berth.Store.Events;
using Berth.Store.Sql;
using Npgsql;

namespace Berth.Store.Postgres;

/// <summary>
/// The event log on PostgreSQL, with <see cref="SqliteEventLog"/>'s table and statements (<see cref="EventSql"/>).
/// Appends from every server take one advisory lock, so sequence numbers are committed in the order they are handed
/// out and a reader resuming after the last number it saw can never skip one that commits later. Every append
/// NOTIFYs at commit; each log LISTENs, so a follower on any server wakes for events appended on any other.
/// </summary>
public sealed class PostgresEventLog : IEventLog
{
    /// <summary>"berth" in ASCII, then 3: the event appenders' advisory lock.</summary>
    private const long AppendLock = 0x62_65_72_74_68_03;

    private const string Channel = "berth_events";

    /// <summary>
    /// An append's events in one statement, a row each in the order given: the sort by ordinality sits below the insert,
    /// which numbers rows (the sequence's default) as they come. A statement per event had PostgreSQL parse, bind and run
    /// 40,000 statements in a 20,000-task scale run (docs/performance.md).
    /// </summary>
    private static readonly string InsertAllText = $"""
        INSERT INTO events (time_ms, cluster, type, data)
        SELECT e.time_ms, e.cluster, e.type, {SqlDialect.Postgres.TextFromUtf8("e.data")}
        FROM unnest(@times, @clusters, @types, @data) WITH ORDINALITY AS e(time_ms, cluster, type, data, n)
        ORDER BY e.n
        """;

    private readonly PostgresDatabase _database;
    private readonly ChangeNotifier _appended = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _listening;

    public PostgresEventLog(PostgresDatabase database)
    {
        _database = database;
        _listening = ListenAsync(_stop.Token);
    }

    public Task Appended => _appended.Changed;

    public async Task AppendAsync(IReadOnlyList<EcsEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }
        await _database.GuardAsync(async () =>
        {
            await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            // One batch, so one implicit transaction and one round trip: the lock is held from its statement until the
            // batch commits, and the NOTIFY goes out at that commit.
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({AppendLock})"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"NOTIFY {Channel}"));
            new SqlStatement(InsertAllText,
                ("@times", events.Select(e => e.Time.ToUnixTimeMilliseconds()).ToArray()), ("@clusters", events.Select(e => e.ClusterArn).ToArray()),
                ("@types", events.Select(e => e.DetailType).ToArray()), ("@data", events.Select(EventEnvelope.ToUtf8).ToArray())).AddTo(batch);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        // The notification wakes this server's readers too, but waking them now saves the round trip.
        _appended.Notify();
    }

    public Task<IReadOnlyList<LoggedEvent>> ReadAsync(EventLogQuery query, CancellationToken cancellationToken) =>
        _database.GuardAsync(async () =>
        {
            await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await EventSql.ReadAsync(connection, query, cancellationToken).ConfigureAwait(false);
        });

    public Task<long> LatestSequenceAsync(CancellationToken cancellationToken) =>
        _database.GuardAsync(async () =>
        {
            await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            // The sequence's own counter, still the newest number handed out when pruning left the table empty; read
            // under the appenders' lock (the batch is one implicit transaction), so no number it reports belongs to an
            // append that has not committed yet.
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock_shared({AppendLock})"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM events_seq"));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return reader.GetInt64(0);
        });

    public Task<long> PruneAsync(DateTimeOffset olderThan, int keep, CancellationToken cancellationToken) =>
        _database.GuardAsync(async () =>
        {
            await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await EventSql.PruneAsync(connection, null, olderThan, keep, cancellationToken).ConfigureAwait(false);
        });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _listening.ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>
    /// Holds a connection that LISTENs, waking readers at each notification. Without one (the database is away),
    /// followers still wake at this server's appends and re-read at each heartbeat; it reconnects every 5 s, and the
    /// database's failure shows in the calls that need it rather than here.
    /// </summary>
    private async Task ListenAsync(CancellationToken stop)
    {
        await Task.Yield();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _database.OpenConnectionAsync(stop).ConfigureAwait(false);
                connection.Notification += (_, _) => _appended.Notify();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }
                // Whatever was appended while no connection listened is read now.
                _appended.Notify();
                while (true)
                {
                    await connection.WaitAsync(stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
