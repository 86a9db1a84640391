using Berth.Core.Metrics;
using Berth.Store.Metrics;
using Berth.Store.Sql;
using Npgsql;

namespace Berth.Store.Postgres;

/// <summary>
/// Metrics on PostgreSQL, with <see cref="SqliteMetricStore"/>'s tables and statements (<see cref="MetricSql"/>).
/// Writers take one advisory lock, as SQLite's single writer does: merges of one minute from several servers
/// add up instead of racing, and a sweep never downsamples rows another sweep is moving.
/// </summary>
public sealed class PostgresMetricStore(PostgresDatabase database) : IMetricStore
{
    /// <summary>"berth" in ASCII, then 2: the metric writers' advisory lock.</summary>
    private const long WriterLock = 0x62_65_72_74_68_02;

    public Task PutAsync(string scope, IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken) =>
        points.Count == 0
            ? Task.CompletedTask
            : WriteAsync(async (connection, transaction) =>
            {
                await MetricSql.MergeAsync(SqlDialect.Postgres, connection, transaction, scope, points, cancellationToken).ConfigureAwait(false);
                return 0;
            }, cancellationToken);

    public Task<StoredSeries?> ReadAsync(string scope, MetricSeries series, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        database.GuardAsync(async () =>
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await MetricSql.ReadAsync(connection, scope, series, from, to, cancellationToken).ConfigureAwait(false);
        });

    public Task<IReadOnlyList<MetricSeries>> ListAsync(string scope, string? @namespace, string? metricName, DateTimeOffset activeSince,
        int offset, int limit, CancellationToken cancellationToken) =>
        database.GuardAsync(async () =>
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await MetricSql.ListAsync(connection, scope, @namespace, metricName, activeSince, offset, limit, cancellationToken).ConfigureAwait(false);
        });

    public Task<SweepResult> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => MetricSql.SweepAsync(SqlDialect.Postgres, connection, transaction, now, cancellationToken), cancellationToken);

    /// <summary>The database belongs to whoever opened it.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> write, CancellationToken cancellationToken) =>
        database.GuardAsync(async () =>
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({WriterLock})", connection, transaction))
            {
                await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            var result = await write(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        });
}
