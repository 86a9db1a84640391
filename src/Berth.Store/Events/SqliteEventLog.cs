using System.Globalization;
using Berth.Core.Concurrency;
using Berth.Core.Events;
using Berth.Store.Sql;
using Berth.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Berth.Store.Events;

/// <summary>
/// The event log in its own SQLite file (<c>events.db</c> beside the state database), so the stream's appends never
/// hold the state's write lock and its retention never touches the state. AUTOINCREMENT, unlike a plain rowid, never
/// hands out a number again after the newest rows are pruned, which resumption by Last-Event-ID relies on.
/// </summary>
/// <remarks>
/// Appends run on one long-lived writer session (<see cref="SqliteSession"/>) with the insert prepared once: opening a
/// pooled connection, setting its pragma and preparing the insert again for every append round was most of an
/// append's cost under the scale harness (docs/performance.md, "event recording and poll answers"). The statements
/// run synchronously, as the records' writer runs its group (<see cref="SqliteGroupCommit"/> says why): the appender
/// holds its session alone, and an async state machine per insert bought nothing but allocations.
/// </remarks>
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

    /// <summary>WAL with synchronous=NORMAL keeps every committed append across a process crash (see SqliteStateStore).</summary>
    private static readonly string[] WriterPragmas = ["PRAGMA synchronous=NORMAL;"];

    /// <summary>
    /// The insert of one event, which takes the next sequence number; the same text for every event, so the writer
    /// session prepares it once (<see cref="Sqlite.SqliteSession"/>). The envelope is bound as its UTF-8 bytes and stored as
    /// TEXT (<see cref="SqlDialect.TextFromUtf8(string)"/>, as a record's body is), so the column reads as it always did
    /// and files written before read as they did.
    /// </summary>
    private static readonly string InsertText =
        $"INSERT INTO events (time_ms, cluster, type, data) VALUES (@time, @cluster, @type, {SqlDialect.Sqlite.TextFromUtf8("@data")})";

    private static readonly SqlStatement Begin = new("BEGIN IMMEDIATE;");
    private static readonly SqlStatement Commit = new("COMMIT;");

    private readonly string _databasePath;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ChangeNotifier _appended = new();

    /// <summary>The appends' connection, used only by whoever holds <see cref="_writer"/>; opened on the first append, and again after one failed.</summary>
    private SqliteSession? _session;

    private SqliteEventLog(string databasePath)
    {
        _databasePath = databasePath;
        _connectionString = SqliteFiles.ConnectionString(databasePath);
    }

    public static async Task<SqliteEventLog> OpenAsync(string databasePath, CancellationToken cancellationToken)
    {
        var log = new SqliteEventLog(databasePath);
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
            var session = _session ??= await SqliteSession.OpenAsync(_databasePath, WriterPragmas, cancellationToken).ConfigureAwait(false);
            try
            {
                // IMMEDIATE takes the write lock up front (other servers on the same data directory append too), so a
                // busy file is waited for at BEGIN rather than failing an insert half-way.
                session.Execute(Begin);
                foreach (var e in events)
                {
                    session.Execute(Insert(e));
                }
                session.Execute(Commit);
            }
            catch
            {
                // Nothing of the round is kept, and the connection that failed is not trusted with the next one.
                _session = null;
                using (session)
                {
                    await SqliteFaults.RollbackIfOpenAsync(session.Connection).ConfigureAwait(false);
                }
                throw;
            }
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
        _session?.Dispose();
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => SqliteFiles.OpenAsync(_connectionString, cancellationToken);

    private static SqlStatement Insert(EcsEvent e) => new(InsertText,
        ("@time", e.Time.ToUnixTimeMilliseconds()), ("@cluster", e.ClusterArn), ("@type", e.DetailType), ("@data", EventEnvelope.ToUtf8(e)));
}
