using System.Data.Common;
using System.Globalization;
using Berth.Core.Metrics;
using Berth.Store.Sql;

namespace Berth.Store.Metrics;

/// <summary>
/// The metric tables' reads and writes, shared by <see cref="SqliteMetricStore"/> and the PostgreSQL engine's metric
/// store; each engine brings the connection, the transaction and its own way of keeping writers apart.
/// </summary>
internal static class MetricSql
{
    /// <summary>Merges the points into their series' 1-minute rollups.</summary>
    public static async Task MergeAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction, string scope, IReadOnlyList<MetricPoint> points,
        CancellationToken cancellationToken)
    {
        var seriesIds = new Dictionary<MetricSeries, long>();
        foreach (var point in points)
        {
            if (!seriesIds.TryGetValue(point.Series, out var id))
            {
                await using var upsert = new SqlStatement($"""
                    INSERT INTO series (scope, namespace, name, dimensions, unit, last_write) VALUES (@scope, @namespace, @name, @dimensions, @unit, @now)
                    ON CONFLICT (scope, namespace, name, dimensions) DO UPDATE SET unit = excluded.unit, last_write = {dialect.Greatest}(series.last_write, excluded.last_write)
                    RETURNING id
                    """, [.. SeriesKey(scope, point.Series), ("@unit", point.Unit), ("@now", point.Timestamp.ToUnixTimeSeconds())]).ToCommand(connection, transaction);
                id = seriesIds[point.Series] = Convert.ToInt64(await upsert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }
            var value = point.Value;
            await using var merge = new SqlStatement($"""
                INSERT INTO points (series, resolution, ts, sum, count, min, max) VALUES (@series, 60, @ts, @sum, @count, @min, @max)
                ON CONFLICT (series, ts, resolution) DO UPDATE SET
                    sum = points.sum + excluded.sum, count = points.count + excluded.count,
                    min = {dialect.Least}(points.min, excluded.min), max = {dialect.Greatest}(points.max, excluded.max)
                """, ("@series", id), ("@ts", MetricRetention.Floor(point.Timestamp, 60).ToUnixTimeSeconds()),
                ("@sum", value.Sum), ("@count", value.Count), ("@min", value.Min), ("@max", value.Max)).ToCommand(connection, transaction);
            await merge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task<StoredSeries?> ReadAsync(DbConnection connection, string scope, MetricSeries series, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        await using var find = new SqlStatement(
            "SELECT id, unit FROM series WHERE scope = @scope AND namespace = @namespace AND name = @name AND dimensions = @dimensions",
            [.. SeriesKey(scope, series)]).ToCommand(connection);
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
        await using var select = new SqlStatement("SELECT ts, sum, count, min, max FROM points WHERE series = @series AND ts >= @from AND ts < @to ORDER BY ts",
            ("@series", id), ("@from", from.ToUnixTimeSeconds()), ("@to", to.ToUnixTimeSeconds())).ToCommand(connection);
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

    public static async Task<IReadOnlyList<MetricSeries>> ListAsync(DbConnection connection, string scope, string? @namespace, string? metricName,
        DateTimeOffset activeSince, int offset, int limit, CancellationToken cancellationToken)
    {
        await using var command = new SqlStatement("""
            SELECT namespace, name, dimensions FROM series
            WHERE scope = @scope AND last_write >= @since
              AND (CAST(@namespace AS TEXT) IS NULL OR namespace = @namespace) AND (CAST(@name AS TEXT) IS NULL OR name = @name)
            ORDER BY namespace, name, dimensions LIMIT @limit OFFSET @offset
            """, ("@scope", scope), ("@since", activeSince.ToUnixTimeSeconds()), ("@namespace", @namespace), ("@name", metricName),
            ("@limit", limit), ("@offset", offset)).ToCommand(connection);
        var series = new List<MetricSeries>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            series.Add(new MetricSeries(reader.GetString(0), reader.GetString(1), MetricSeries.ParseDimensionsKey(reader.GetString(2))));
        }
        return series;
    }

    /// <summary>Rolls data past each tier's retention into the next tier and drops what is past the last one, in the transaction.</summary>
    public static async Task<SweepResult> SweepAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        long downsampled = 0, deleted = 0;
        var tiers = MetricRetention.Tiers;
        for (var i = 0; i < tiers.Count; i++)
        {
            var cutoff = (now - tiers[i].KeptFor).ToUnixTimeSeconds();
            var resolution = tiers[i].ResolutionSeconds;
            if (i + 1 < tiers.Count)
            {
                // Whole coarse intervals only: a coarse row must not be merged into twice from two sweeps.
                var next = tiers[i + 1].ResolutionSeconds;
                var boundary = cutoff - (cutoff % next);
                downsampled += await ExecuteAsync(connection, transaction, $"""
                    INSERT INTO points (series, resolution, ts, sum, count, min, max)
                    SELECT series, {next}, ts - (ts % {next}), SUM(sum), SUM(count), MIN(min), MAX(max)
                    FROM points WHERE resolution = {resolution} AND ts < {boundary}
                    GROUP BY series, ts - (ts % {next})
                    ON CONFLICT (series, ts, resolution) DO UPDATE SET
                        sum = points.sum + excluded.sum, count = points.count + excluded.count,
                        min = {dialect.Least}(points.min, excluded.min), max = {dialect.Greatest}(points.max, excluded.max);
                    """, cancellationToken).ConfigureAwait(false);
                cutoff = boundary;
            }
            deleted += await ExecuteAsync(connection, transaction, $"DELETE FROM points WHERE resolution = {resolution} AND ts < {cutoff};", cancellationToken)
                .ConfigureAwait(false);
        }
        var dropped = await ExecuteAsync(connection, transaction,
            "DELETE FROM series WHERE NOT EXISTS (SELECT 1 FROM points WHERE points.series = series.id);", cancellationToken).ConfigureAwait(false);
        return new SweepResult(downsampled, deleted, dropped);
    }

    private static (string, object?)[] SeriesKey(string scope, MetricSeries series) =>
        [("@scope", scope), ("@namespace", series.Namespace), ("@name", series.MetricName), ("@dimensions", series.DimensionsKey)];

    private static async Task<long> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new SqlStatement(sql).ToCommand(connection, transaction);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
