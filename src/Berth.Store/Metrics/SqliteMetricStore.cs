using Berth.Core.Metrics;
using Berth.Store.Sql;
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
        await MetricSql.MergeAsync(SqlDialect.Sqlite, connection, transaction, scope, points, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredSeries?> ReadAsync(string scope, MetricSeries series, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await MetricSql.ReadAsync(connection, scope, series, from, to, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<MetricSeries>> ListAsync(string scope, string? @namespace, string? metricName, DateTimeOffset activeSince,
        int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await MetricSql.ListAsync(connection, scope, @namespace, metricName, activeSince, offset, limit, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SweepResult> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await MetricSql.SweepAsync(SqlDialect.Sqlite, connection, transaction, now, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, "PRAGMA incremental_vacuum;", cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _writer.Release();
        }
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
