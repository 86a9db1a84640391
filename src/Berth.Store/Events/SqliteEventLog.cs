using System.Globalization;
using Berth.Core.Concurrency;
using Berth.Core.Events;
using Berth.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Berth.Store.Events;

/// <summary>
/// The event log in its own SQLite file (<c>events.db</c> beside the state database), so the stream's appends never
/// hold the state's write lock and its retention never touches the state. AUTOINCREMENT, unlike a plain rowid, never
/// hands out a number again after the newest rows are pruned, which resumption by Last-Event-ID relies on.
/// </summary>
public sealed class SqliteEventLog : IEventLog
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            time_ms INTEGER NOT NULL,
            cluster TEXT NOT NULL,
            type TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS events_by_time ON events (time_ms);
        """;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ChangeNotifier _appended = new();

    private SqliteEventLog(string connectionString) => _connectionString = connectionString;

    public static async Task<SqliteEventLog> OpenAsync(string databasePath, CancellationToken cancellationToken)
    {
        var log = new SqliteEventLog(SqliteFiles.ConnectionString(databasePath));
        await using var connection = await log.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Schema;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return log;
    }

    public Task Appended => _appended.Changed;

    public async Task AppendAsync(IReadOnlyList<EcsEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            // WAL with synchronous=NORMAL keeps every committed append across a process crash (see SqliteStateStore).
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous=NORMAL;";
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await EventSql.InsertAsync(connection, transaction, events, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
        _appended.Notify();
    }

    public async Task<IReadOnlyList<LoggedEvent>> ReadAsync(EventLogQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await EventSql.ReadAsync(connection, query, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> LatestSequenceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // AUTOINCREMENT's own counter: still the newest number handed out when pruning left the table empty.
        command.CommandText = "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public async Task<long> PruneAsync(DateTimeOffset olderThan, int keep, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            return await EventSql.PruneAsync(connection, null, olderThan, keep, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => SqliteFiles.OpenAsync(_connectionString, cancellationToken);
}
