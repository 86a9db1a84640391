using System.Globalization;
using Berth.Core.Metrics;
using Berth.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Berth.Store.Metrics;

/// <summary>
/// Metrics in their own SQLite file (WAL mode). A series row per metric, and a row per series, resolution and
/// interval holding the rollup (sum, count, min, max); writes merge into the row of their minute, so the
/// table grows with series × minutes, never with samples. <see cref="SweepAsync"/> downsamples by
/// <see cref="MetricRetention"/> and gives freed pages back to the file system.
/// </summary>
public sealed class SqliteMetricStore : IMetricStore
{
    private const string Schema = """
        PRAGMA auto_vacuum = INCREMENTAL;
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS series (
            id INTEGER PRIMARY KEY,
            scope TEXT NOT NULL,
            namespace TEXT NOT NULL,
            name TEXT NOT NULL,
            dimensions TEXT NOT NULL,
            unit TEXT NOT NULL,
            last_write INTEGER NOT NULL,
            UNIQUE (scope, namespace, name, dimensions)
        );
        CREATE TABLE IF NOT EXISTS points (
            series INTEGER NOT NULL,
            resolution INTEGER NOT NULL,
            ts INTEGER NOT NULL,
            sum REAL NOT NULL,
            count REAL NOT NULL,
            min REAL NOT NULL,
            max REAL NOT NULL,
            PRIMARY KEY (series, ts, resolution)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS points_by_age ON points (resolution, ts);
        """;

    private const string MergeSql = """
        INSERT INTO points (series, resolution, ts, sum, count, min, max) VALUES ($series, $resolution, $ts, $sum, $count, $min, $max)
        ON CONFLICT (series, ts, resolution) DO UPDATE SET
            sum = sum + excluded.sum, count = count + excluded.count, min = MIN(min, excluded.min), max = MAX(max, excluded.max);
        """;

    private readonly string _connectionString;
    private readonly string _databasePath;
    private readonly SemaphoreSlim _writer = new(1, 1);

    private SqliteMetricStore(string connectionString, string databasePath)
    {
        _connectionString = connectionString;
        _databasePath = databasePath;
    }

    public static async Task<SqliteMetricStore> OpenAsync(string databasePath, CancellationToken cancellationToken)
    {
        var store = new SqliteMetricStore(SqliteFiles.ConnectionString(databasePath), databasePath);
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, Schema, cancellationToken).ConfigureAwait(false);
        return store;
    }

    public async Task PutAsync(string scope, IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        if (points.Count == 0)
        {
            return;
        }
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SqliteFaults.GuardAsync(_databasePath, () => MergeAsync(scope, points, cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task MergeAsync(string scope, IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var seriesIds = new Dictionary<MetricSeries, long>();
        foreach (var point in points)
        {
            if (!seriesIds.TryGetValue(point.Series, out var id))
            {
                id = seriesIds[point.Series] = await UpsertSeriesAsync(connection, transaction, scope, point, cancellationToken).ConfigureAwait(false);
            }
            await using var merge = Command(connection, transaction, MergeSql);
            var minute = MetricRetention.Floor(point.Timestamp, 60).ToUnixTimeSeconds();
            AddRollup(merge, id, 60, minute, point.Value);
            await merge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredSeries?> ReadAsync(string scope, MetricSeries series, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var find = Command(connection, null,
            "SELECT id, unit FROM series WHERE scope = $scope AND namespace = $namespace AND name = $name AND dimensions = $dimensions");
        AddSeriesKey(find, scope, series);
        long id;
        string unit;
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
            id = reader.GetInt64(0);
            unit = reader.GetString(1);
        }
        await using var select = Command(connection, null,
            "SELECT ts, sum, count, min, max FROM points WHERE series = $series AND ts >= $from AND ts < $to ORDER BY ts");
        select.Parameters.AddWithValue("$series", id);
        select.Parameters.AddWithValue("$from", from.ToUnixTimeSeconds());
        select.Parameters.AddWithValue("$to", to.ToUnixTimeSeconds());
        var points = new List<(DateTimeOffset, Rollup)>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                points.Add((DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(0)),
                    new Rollup(reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4))));
            }
        }
        return new StoredSeries(unit, points);
    }

    public async Task<IReadOnlyList<MetricSeries>> ListAsync(string scope, string? @namespace, string? metricName, DateTimeOffset activeSince,
        int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, """
            SELECT namespace, name, dimensions FROM series
            WHERE scope = $scope AND last_write >= $since
              AND ($namespace IS NULL OR namespace = $namespace) AND ($name IS NULL OR name = $name)
            ORDER BY namespace, name, dimensions LIMIT $limit OFFSET $offset
            """);
        command.Parameters.AddWithValue("$scope", scope);
        command.Parameters.AddWithValue("$since", activeSince.ToUnixTimeSeconds());
        command.Parameters.AddWithValue("$namespace", (object?)@namespace ?? DBNull.Value);
        command.Parameters.AddWithValue("$name", (object?)metricName ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        command.Parameters.AddWithValue("$offset", offset);
        var series = new List<MetricSeries>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            series.Add(new MetricSeries(reader.GetString(0), reader.GetString(1), MetricSeries.ParseDimensionsKey(reader.GetString(2))));
        }
        return series;
    }

    public async Task<SweepResult> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            long downsampled = 0, deleted = 0;
            var tiers = MetricRetention.Tiers;
            for (var i = 0; i < tiers.Count; i++)
            {
                var cutoff = (now - tiers[i].KeptFor).ToUnixTimeSeconds();
                if (i + 1 < tiers.Count)
                {
                    // Whole coarse intervals only: a coarse row must not be merged into twice from two sweeps.
                    var next = tiers[i + 1].ResolutionSeconds;
                    var boundary = cutoff - (cutoff % next);
                    downsampled += await ExecuteAsync(connection, transaction, $"""
                        INSERT INTO points (series, resolution, ts, sum, count, min, max)
                        SELECT series, {next}, ts - (ts % {next}), SUM(sum), SUM(count), MIN(min), MAX(max)
                        FROM points WHERE resolution = {tiers[i].ResolutionSeconds} AND ts < {boundary}
                        GROUP BY series, ts - (ts % {next})
                        ON CONFLICT (series, ts, resolution) DO UPDATE SET
                            sum = sum + excluded.sum, count = count + excluded.count, min = MIN(min, excluded.min), max = MAX(max, excluded.max);
                        """, cancellationToken).ConfigureAwait(false);
                    deleted += await ExecuteAsync(connection, transaction,
                        $"DELETE FROM points WHERE resolution = {tiers[i].ResolutionSeconds} AND ts < {boundary};", cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    deleted += await ExecuteAsync(connection, transaction,
                        $"DELETE FROM points WHERE resolution = {tiers[i].ResolutionSeconds} AND ts < {cutoff};", cancellationToken).ConfigureAwait(false);
                }
            }
            var dropped = await ExecuteAsync(connection, transaction,
                "DELETE FROM series WHERE NOT EXISTS (SELECT 1 FROM points WHERE points.series = series.id);", cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, "PRAGMA incremental_vacuum;", cancellationToken).ConfigureAwait(false);
            return new SweepResult(downsampled, deleted, dropped);
        }
        finally
        {
            _writer.Release();
        }
    }

    private static async Task<long> UpsertSeriesAsync(SqliteConnection connection, SqliteTransaction transaction, string scope, MetricPoint point, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            INSERT INTO series (scope, namespace, name, dimensions, unit, last_write) VALUES ($scope, $namespace, $name, $dimensions, $unit, $now)
            ON CONFLICT (scope, namespace, name, dimensions) DO UPDATE SET unit = excluded.unit, last_write = MAX(last_write, excluded.last_write)
            RETURNING id;
            """);
        AddSeriesKey(command, scope, point.Series);
        command.Parameters.AddWithValue("$unit", point.Unit);
        command.Parameters.AddWithValue("$now", point.Timestamp.ToUnixTimeSeconds());
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static void AddSeriesKey(SqliteCommand command, string scope, MetricSeries series)
    {
        command.Parameters.AddWithValue("$scope", scope);
        command.Parameters.AddWithValue("$namespace", series.Namespace);
        command.Parameters.AddWithValue("$name", series.MetricName);
        command.Parameters.AddWithValue("$dimensions", series.DimensionsKey);
    }

    private static void AddRollup(SqliteCommand command, long series, int resolution, long ts, Rollup value)
    {
        command.Parameters.AddWithValue("$series", series);
        command.Parameters.AddWithValue("$resolution", resolution);
        command.Parameters.AddWithValue("$ts", ts);
        command.Parameters.AddWithValue("$sum", value.Sum);
        command.Parameters.AddWithValue("$count", value.Count);
        command.Parameters.AddWithValue("$min", value.Min);
        command.Parameters.AddWithValue("$max", value.Max);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static async Task<long> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => SqliteFiles.OpenAsync(_connectionString, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
