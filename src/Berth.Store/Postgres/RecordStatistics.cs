namespace Berth.Store.Postgres;

/// <summary>
/// Keeps PostgreSQL's statistics of the records table in step with its growth: once this process has inserted as many
/// records as the table held when it was last analyzed (and at least <see cref="MinimumInserts"/>), it analyzes the
/// table again, in the background, one analysis at a time.
/// </summary>
/// <remarks>
/// The planner picks each read's index from those statistics, and autovacuum renews them at most once a minute. A new
/// database analyzed while it held a few instances and no task estimates "kind = 'task'" at one row, so a read of four
/// tasks by id scans every task of that kind instead of four descents of the primary key: under the scale harness
/// about 1,000 pages and 7–10 ms per read, half as many placements per second, and more than twice the database's CPU
/// per task (docs/performance.md, "2026-12-07 05:00"). Analyzing at every doubling costs a handful of analyses over
/// a database's growth, and each one also makes PostgreSQL plan its prepared statements again.
/// </remarks>
internal sealed class RecordStatistics(PostgresDatabase database)
{
    /// <summary>Below this many inserts autovacuum's own pace is soon enough, however small the table was.</summary>
    internal const long MinimumInserts = 1_000;

    private long _rowsAtLastAnalysis;
    private long _insertsSince;
    private int _analyzing;

    /// <summary>The analysis running now, if any (tests wait for it).</summary>
    internal Task Running { get; private set; } = Task.CompletedTask;

    /// <summary>Counts a commit's inserts, and starts an analysis when they add up to the table's size at the last one.</summary>
    public void Inserted(int records)
    {
        if (records == 0)
        {
            return;
        }
        var since = Interlocked.Add(ref _insertsSince, records);
        if (since < Math.Max(MinimumInserts, Interlocked.Read(ref _rowsAtLastAnalysis)) || Interlocked.Exchange(ref _analyzing, 1) == 1)
        {
            return;
        }
        Running = Task.Run(AnalyzeAsync);
    }

    /// <summary>The records table's row count as its last analysis left it; -1 when it was never analyzed.</summary>
    internal static async Task<long> RowsAsync(Npgsql.NpgsqlConnection connection)
    {
        await using var size = connection.CreateCommand();
        size.CommandText = "SELECT reltuples::bigint FROM pg_class WHERE oid = 'records'::regclass";
        return (long)(await size.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    private async Task AnalyzeAsync()
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await using (var analyze = connection.CreateCommand())
            {
                analyze.CommandText = "ANALYZE records";
                await analyze.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            Interlocked.Exchange(ref _rowsAtLastAnalysis, await RowsAsync(connection).ConfigureAwait(false));
            Interlocked.Exchange(ref _insertsSince, 0);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or ObjectDisposedException)
        {
            // Statistics only steer the planner: when this one fails (the database is gone or closing), the inserts keep
            // counting, the next commit tries again, and autovacuum analyzes the table meanwhile.
        }
        finally
        {
            Interlocked.Exchange(ref _analyzing, 0);
        }
    }
}
