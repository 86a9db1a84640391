using Berth.Store.Logs;
using Berth.Store.Sql;
using Npgsql;
using NpgsqlTypes;

namespace Berth.Store.Postgres;

/// <summary>
/// Log groups, streams and events on PostgreSQL, with <see cref="SqliteLogStore"/>'s tables and statements
/// (<see cref="LogSql"/>). Servers write side by side: an append first updates its stream's row, which queues appends
/// to one stream behind each other, so a stream's events get their sequence numbers in the order they were appended.
/// </summary>
public sealed class PostgresLogStore(PostgresDatabase database) : ILogStore
{
    public Task<LogGroupRow?> CreateGroupAsync(string scope, string name, long creationTime, CancellationToken cancellationToken) =>
        database.GuardAsync(async () =>
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = LogSql.CreateGroup(scope, name, creationTime).ToCommand(connection);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id
                ? new LogGroupRow(id, name, creationTime, null, 0)
                : null;
        });

    public async Task<LogGroupRow?> FindGroupAsync(string scope, string name, CancellationToken cancellationToken) =>
        (await ReadAsync(LogSql.FindGroup(scope, name), LogSql.ReadGroup, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public Task<IReadOnlyList<LogGroupRow>> ListGroupsAsync(string scope, string? prefix, string? afterName, int limit, CancellationToken cancellationToken) =>
        ReadAsync(LogSql.ListGroups(scope, prefix, afterName, limit), LogSql.ReadGroup, cancellationToken);

    public Task<IReadOnlyList<LogGroupRow>> ListGroupsWithRetentionAsync(CancellationToken cancellationToken) =>
        ReadAsync(LogSql.ListGroupsWithRetention(), LogSql.ReadGroup, cancellationToken);

    public Task DeleteGroupAsync(long groupId, CancellationToken cancellationToken) =>
        InTransactionAsync(async (connection, transaction) => await ExecuteAsync(LogSql.DeleteGroup(groupId), connection, transaction, cancellationToken).ConfigureAwait(false),
            cancellationToken);

    public Task SetRetentionAsync(long groupId, int? retentionInDays, CancellationToken cancellationToken) =>
        InTransactionAsync((connection, transaction) => ExecuteAsync(LogSql.SetRetention(groupId, retentionInDays), connection, transaction, cancellationToken),
            cancellationToken);

    public Task<bool> CreateStreamAsync(long groupId, string name, long creationTime, CancellationToken cancellationToken) =>
        InTransactionAsync(async (connection, transaction) =>
            await ExecuteAsync(LogSql.CreateStream(groupId, name, creationTime), connection, transaction, cancellationToken).ConfigureAwait(false) == 1, cancellationToken);

    public async Task<LogStreamRow?> FindStreamAsync(long groupId, string name, CancellationToken cancellationToken) =>
        (await ReadAsync(LogSql.FindStream(groupId, name), LogSql.ReadStream, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public Task<IReadOnlyList<LogStreamRow>> ListStreamsAsync(long groupId, LogStreamQuery query, CancellationToken cancellationToken) =>
        ReadAsync(LogSql.ListStreams(groupId, query), LogSql.ReadStream, cancellationToken);

    public Task DeleteStreamAsync(long streamId, CancellationToken cancellationToken) =>
        InTransactionAsync(async (connection, transaction) => await ExecuteAsync(LogSql.DeleteStream(streamId), connection, transaction, cancellationToken).ConfigureAwait(false),
            cancellationToken);

    public Task AppendAsync(LogStreamRow stream, IReadOnlyList<NewLogEvent> events, long ingestionTime, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }
        return InTransactionAsync(async (connection, transaction) =>
        {
            await ExecuteAsync(LogSql.UpdateStreamAfterAppend(SqlDialect.Postgres, stream.Id, events, ingestionTime), connection, transaction, cancellationToken)
                .ConfigureAwait(false);
            // The whole batch in one statement: arrays of timestamps and messages, numbered in the batch's order.
            await using var insert = new NpgsqlCommand("""
                INSERT INTO log_events (group_id, stream_id, ts, ingest_ms, message)
                SELECT @group, @stream, e.ts, @ingest, e.message FROM unnest(@ts, @message) WITH ORDINALITY AS e (ts, message, n) ORDER BY e.n
                """, connection, transaction);
            insert.Parameters.AddWithValue("group", stream.GroupId);
            insert.Parameters.AddWithValue("stream", stream.Id);
            insert.Parameters.AddWithValue("ingest", ingestionTime);
            insert.Parameters.AddWithValue("ts", NpgsqlDbType.Array | NpgsqlDbType.Bigint, events.Select(e => e.Timestamp).ToArray());
            insert.Parameters.AddWithValue("message", NpgsqlDbType.Array | NpgsqlDbType.Text, events.Select(e => e.Message).ToArray());
            return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<StoredLogEvent>> ReadStreamAsync(long streamId, LogEventQuery query, CancellationToken cancellationToken) =>
        ReadAsync(LogSql.ReadEvents("stream_id", streamId, null, query), LogSql.ReadEvent, cancellationToken);

    public Task<IReadOnlyList<StoredLogEvent>> ReadGroupAsync(long groupId, IReadOnlyCollection<long>? streamIds, LogEventQuery query, CancellationToken cancellationToken) =>
        ReadAsync(LogSql.ReadEvents("group_id", groupId, streamIds, query), LogSql.ReadEvent, cancellationToken);

    public async Task<long> DeleteEventsBeforeAsync(long groupId, long before, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            var deleted = await InTransactionAsync((connection, transaction) =>
                LogDeletion.DeleteSliceAsync(SqlDialect.Postgres, connection, transaction, groupId, before, cancellationToken), cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted < LogDeletion.Slice)
            {
                return total;
            }
        }
    }

    /// <summary>The database belongs to whoever opened it.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task<IReadOnlyList<T>> ReadAsync<T>(SqlStatement statement, Func<System.Data.Common.DbDataReader, T> read, CancellationToken cancellationToken) =>
        database.GuardAsync(async () =>
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = statement.ToCommand(connection);
            return await LogSql.ReadAllAsync(command, read, cancellationToken).ConfigureAwait(false);
        });

    private Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        database.GuardAsync(async () =>
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        });

    private static async Task<int> ExecuteAsync(SqlStatement statement, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = statement.ToCommand(connection, transaction);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
